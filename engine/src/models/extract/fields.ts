import type { FieldDefinition, Template } from '@chat/shared';

export type FieldKind = 'email' | 'phone' | 'date' | 'enum' | 'number' | 'boolean' | 'name' | 'text';
export type NamePart = 'full' | 'first' | 'last';

export interface FieldInfo {
  key: string;
  def: FieldDefinition;
  kind: FieldKind;
  /** Words a visitor uses to name this field ("budget", "spend"), lower case. */
  words: string[];
  /** For name fields: which part of the name it wants. */
  part: NamePart;
}

/** Words that name no field in particular, dropped from descriptions. */
const STOP = new Set(
  'the a an of in on for to and or your you our my with per by from at as is are be this that what which who when how any e.g. i.e. etc'.split(' '),
);

/** A few everyday words for common field names; the key and the description provide the rest. */
const ALIASES: Record<string, string[]> = {
  budget: ['spend', 'spending', 'afford', 'price', 'cost', 'money'],
  phone: ['telephone', 'mobile', 'cell', 'tel', 'number'],
  email: ['e-mail', 'mail', 'address'],
  start: ['begin', 'starting', 'when'],
  date: ['when', 'day'],
  name: ['called'],
};

const NOT_A_PERSON =
  /\b(company|business|organi[sz]ation|product|project|pet|street|domain|user|file|brand|team|empresa|entreprise|société|firma|produit|producto|produkt)\b/i;

/** Split a key like `full_name` or `firstName` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
}

function namePart(words: string[]): NamePart | null {
  const joined = words.join('');
  if (/^(first|given|fore|vorname|prenom|prénom)/.test(joined)) return 'first';
  if (/^(last|sur|family|nachname|apellido|nom_de_famille)/.test(joined)) return 'last';
  if (words.includes('name') || /name$/.test(joined)) return 'full';
  // es, fr, de keys: "nombre", "nom", "nombre_completo", "nom_complet".
  if (words[0] === 'nombre' || words[0] === 'nom') return 'full';
  return null;
}

export function fieldKind(key: string, def: FieldDefinition): FieldKind {
  if (def.format === 'email') return 'email';
  if (def.format === 'phone') return 'phone';
  if (def.format === 'date') return 'date';
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'number' || def.type === 'integer') return 'number'; // numeric enums too: numbers find them
  if (def.enum) return 'enum';
  const described = /(?<![\p{L}])(?:name|nombre|nom)(?![\p{L}])/iu.test(def.description ?? '');
  const byKey = namePart(keyWords(key)) !== null;
  if ((byKey || described) && !NOT_A_PERSON.test(`${key} ${def.description ?? ''}`)) return 'name';
  return 'text';
}

export function fieldInfo(key: string, def: FieldDefinition): FieldInfo {
  const kw = keyWords(key);
  const described = (def.description ?? '')
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter((w) => w.length >= 3 && !STOP.has(w));
  const words = new Set([...kw, ...described]);
  for (const w of [...words]) for (const a of ALIASES[w] ?? []) words.add(a);
  return { key, def, kind: fieldKind(key, def), words: [...words], part: namePart(kw) ?? 'full' };
}

export function templateFields(t: Template): FieldInfo[] {
  return Object.entries(t.fields).map(([k, d]) => fieldInfo(k, d));
}
