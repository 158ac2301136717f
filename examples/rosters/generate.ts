/**
 * Writes a generated OneRoster export: `npx tsx examples/rosters/generate.ts OUT [people] [seed] [1.1|1.2]`.
 * OUT ending in `.zip` gives a bundle; anything else a folder of CSV files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOneRoster, zipOneRoster } from './oneroster';

const [out, people = '2000', seed = '7', version = '1.1'] = process.argv.slice(2);
if (!out || (version !== '1.1' && version !== '1.2')) {
  console.error('usage: tsx examples/rosters/generate.ts OUT [people] [seed] [1.1|1.2]');
  process.exit(2);
}

const { files } = generateOneRoster({ people: Number(people), seed: Number(seed), version });
if (out.endsWith('.zip')) {
  writeFileSync(out, zipOneRoster(files));
} else {
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
}
console.log(`Wrote ${people} people (OneRoster ${version}, seed ${seed}) to ${out}`);
