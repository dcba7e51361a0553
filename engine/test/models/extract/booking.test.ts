/**
 * The misses the first eval run showed (bench/results/eval-before.md), one assertion each: head
 * counts, seating synonyms, yes/no answers with a reason, unannounced names, other fields' values
 * offered as a name, es/fr/de cues. Templates from the eval dataset; "today" is a Wednesday.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Template } from '@chat/shared';
import { extract } from '../../../src/models/extract/index.js';
import { fieldKind } from '../../../src/models/extract/fields.js';

const load = (f: string) => JSON.parse(readFileSync(new URL(`../../../../bench/eval/dataset/templates/${f}.json`, import.meta.url), 'utf8')) as Template;
const booking = load('table-booking');
const now = new Date('2027-03-10T12:00:00Z');
const run = (template: Template, text: string, askedField: string | null = null, data: Record<string, unknown> = {}) =>
  extract(text, { template, askedField, data, now }).values;

t.test('head counts, in digits and words, unasked', async (t) => {
  t.same(run(booking, "Hi, I'd like a table for four on Saturday"), { guests: 4, date: '2027-03-13' });
  t.same(run(booking, 'we are 6 people, friday evening'), { guests: 6, date: '2027-03-12' });
  t.same(run(booking, 'party of 7, Sunday, name Diego Alvarez'), { name: 'Diego Alvarez', guests: 7, date: '2027-03-14' });
  t.same(run(booking, 'Booking for two. Priya Nair.'), { name: 'Priya Nair', guests: 2 }, 'and a bare name in a clause of its own');
  t.same(run(booking, 'tomorrow at 7', 'date'), { date: '2027-03-11' }, 'a time is no head count');
});

t.test('seating by synonym, yes/no with a reason', async (t) => {
  t.same(run(booking, 'indoors please', 'seating'), { seating: 'indoor' });
  t.same(run(booking, 'outside if possible', 'seating'), { seating: 'outdoor' });
  t.same(run(booking, 'yes, one of us is allergic to nuts', 'allergies'), { allergies: true });
  t.same(run(booking, 'nope', 'allergies'), { allergies: false });
  t.same(run(booking, 'one of the kids has a gluten allergy', 'allergies'), { allergies: true }, 'the topic said, no yes');
  t.same(run(booking, 'no allergies', 'allergies'), { allergies: false });
  t.same(run(booking, "I'm allergic to shellfish", 'allergies', { name: 'Emily Clarke' }), { allergies: true }, '"I\'m allergic" is no name');
});

t.test("another field's value is no name, and a date ruled out is no date", async (t) => {
  const support = load('support-ticket');
  t.same(run(support, 'Extender', 'name'), { product: 'extender' });
  t.same(run(support, 'skip', 'name'), {});
  t.same(run(booking, 'wait, Saturday not Friday', 'name', { date: '2027-03-12' }), { date: '2027-03-13' });
  t.same(
    run(support, "it won't pair with the router, the light just blinks", 'issue', { product: 'extender' }),
    { issue: "it won't pair with the router, the light just blinks" },
    'a device named in passing does not replace the one collected',
  );
  t.same(run(support, "what's the difference between normal and urgent?", 'urgency'), {}, 'a question naming two choices picks neither');
});

t.test('es, fr, de', async (t) => {
  const es = load('reserva-mesa');
  const fr = load('ticket-support-fr');
  const de = load('bewerbung-de');
  t.equal(fieldKind('nombre', es.fields.nombre!), 'name');
  t.same(run(es, 'Hola, quiero reservar una mesa para cuatro personas mañana'), { personas: 4, fecha: '2027-03-11' });
  t.same(run(es, 'Reserva para dos el 20 de marzo a nombre de Carmen Díaz'), { nombre: 'Carmen Díaz', personas: 2, fecha: '2027-03-20' });
  t.same(run(es, 'sí, uno es alérgico al marisco', 'alergias'), { alergias: true });
  t.same(run(es, 'prefiero no decirlo', 'alergias'), {}, 'a refusal holds a "no" that answers nothing');
  t.same(run(fr, "Bonjour, je m'appelle Claire Martin, claire.martin@example.fr"), { nom: 'Claire Martin', email: 'claire.martin@example.fr' });
  t.same(run(fr, "pardon, c'est le routeur", 'probleme', { appareil: 'modem' }), { appareil: 'routeur' });
  t.same(run(de, 'Hallo, ich heiße Lena Schmidt und bewerbe mich als Entwicklerin'), { name: 'Lena Schmidt' }, 'unasked, only an exact value is a choice');
  t.same(run(de, 'Entwicklerin', 'stelle'), { stelle: 'entwickler' }, 'asked, the synonym answers');
  t.same(run(de, 'fünf Jahre', 'erfahrung'), { erfahrung: 5 });
  t.same(run(de, 'ab dem 1. April', 'startdatum'), { startdatum: '2027-04-01' });
  t.same(run(de, 'nächsten Montag', 'startdatum'), { startdatum: '2027-03-15' });
  t.same(run(de, 'Guten Morgen'), {}, '"Morgen" in a greeting is the morning');
});
