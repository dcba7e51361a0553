import t from 'tap';
import { capitalise, findName } from '../../../src/models/extract/name.js';

const name = (text: string, asked = false) => findName(text, asked)?.value ?? null;

t.test('names after a cue', async (t) => {
  const cases: Array<[string, string]> = [
    ["I'm Ann Lee", 'Ann Lee'],
    ['I am ann lee, ann@example.com', 'Ann Lee'],
    ['my name is Bob', 'Bob'],
    ['Hi, this is Carla from Acme', 'Carla'],
    ['call me Dee', 'Dee'],
    ["name's jo o'brien", "Jo O'Brien"],
    ['im mary-jane watson and my email is mj@x.com', 'Mary-Jane Watson'],
    ['My name is Ludwig van Beethoven.', 'Ludwig van Beethoven'],
    ['I\u2019m Ann', 'Ann'],
  ];
  for (const [text, want] of cases) t.equal(findName(text.replace(/\u2019/g, "'"), false)?.value, want, text);
});

t.test('what follows "I am" is often not a name', async (t) => {
  const cases = [
    "I'm interested in solar panels",
    "I'm looking for a quote",
    'I am not sure',
    "I'm just browsing",
    'I am currently renting',
    "I'm 35",
    'this is great',
    'this is for my house',
    'call me on 0207 946 0958',
    "I'm excited",
    "it's Ann", // "it's" answers only a question about the name
  ];
  for (const text of cases) t.equal(name(text), null, text);
});

t.test('a bare answer when the name was just asked', async (t) => {
  const cases: Array<[string, string | null]> = [
    ['ann lee', 'Ann Lee'],
    ['Ann Lee, ann@example.com', 'Ann Lee'],
    ['Bob here', 'Bob'],
    ["it's Dana Scully", 'Dana Scully'],
    ['hi, Eve', 'Eve'],
    ['Sure! Ann', 'Ann'],
    ['ok, ann lee', 'Ann Lee'],
    ['yes', null],
    ['ann@example.com', null],
    ['I would rather not say', null],
    ['why do you need it', null],
    ['Ann Lee but my friends call her', null],
  ];
  for (const [text, want] of cases) t.equal(name(text, true), want, text);
});

t.test('a bare phrase is no name unless asked', async (t) => {
  t.equal(name('Ann Lee'), null);
});

t.test('capitalise sensibly', async (t) => {
  const cases: Array<[string, string]> = [
    ['ann lee', 'Ann Lee'],
    ['ANN LEE', 'Ann Lee'],
    ['McDonald', 'McDonald'],
    ["o'neil", "O'Neil"],
    ['jean-luc picard', 'Jean-Luc Picard'],
    ['vincent van gogh', 'Vincent van Gogh'],
    ['élodie durand', 'Élodie Durand'],
  ];
  for (const [text, want] of cases) t.equal(capitalise(text), want, text);
});

t.test('the span covers the name as typed', async (t) => {
  const text = "Hi! I'm  ann   lee, nice to meet you";
  const h = findName(text, false)!;
  t.equal(text.slice(h.start, h.end), 'ann   lee');
});
