/**
 * `node --import tsx bench/micro/extract-linear.ts`: the embedded extractor's time on adversarial
 * repeats (the units of engine/test/models/extract/adversarial.test.ts) at 4 000 characters (the
 * message limit) and at 4x that. Linear code takes ~4x as long on 4x the text, quadratic ~16x:
 * it prints each ratio and exits 1 if any is over 12 (with a floor of 5 ms against timer noise on a shared machine).
 * Before the fix (same machine): "$1 " x18, "the 1 " x21, "1-" x29 (email), "a." x18, "n " x17, "y " x16; after: x6-x10
 * (what is left is mostly allocation and GC noise at a few milliseconds).
 */
import { readFileSync } from 'node:fs';
import type { Template } from '@chat/shared';
import { extract } from '../../engine/src/models/extract/index.js';

const tpl = (f: string) => JSON.parse(readFileSync(new URL(`../../engine/test/fixtures/${f}.json`, import.meta.url), 'utf8')) as Template;
const lead = tpl('lead-intake');
const survey = tpl('home-survey');
const units = [
  'i am ',
  'my name is ',
  "it's ",
  'a',
  'a.',
  'a-',
  'ab',
  '1',
  '1 ',
  '1-',
  '1.',
  '1,',
  '+1 (',
  '$1 ',
  'not ',
  'not 1 ',
  'the 1 ',
  'jan ',
  'next ',
  'in a ',
  ' ',
  'n ',
  'y ',
  'not sure ',
  'flat ',
  'not flat ',
  'sorry ',
  'sorry. ',
  'one ',
  'one hundred and ',
  'a at ',
  'a at b dot ',
  "o'",
];
const fill = (u: string, n: number) => u.repeat(Math.ceil(n / u.length)).slice(0, n);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(text: string, template: Template, askedField: string | null): number {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    extract(text, { template, askedField, data: {} });
    runs.push(performance.now() - start);
  }
  return median(runs);
}

let worst = 0;
for (const u of units)
  for (const [name, template] of [
    ['lead-intake', lead],
    ['home-survey', survey],
  ] as const)
    for (const asked of [null, ...Object.keys(template.fields)]) {
      const [a, b] = [time(fill(u, 4000), template, asked), time(fill(u, 16000), template, asked)];
      const ratio = b / Math.max(a, 5);
      worst = Math.max(worst, ratio);
      if (ratio > 6 || a > 50) console.log(`${JSON.stringify(u)} ${name} asked=${asked}: ${a.toFixed(1)} ms -> ${b.toFixed(1)} ms (x${ratio.toFixed(1)})`);
    }
console.log(`worst growth for 4x the text: x${worst.toFixed(1)} (bound 12)`);
process.exitCode = worst > 12 ? 1 : 0;
