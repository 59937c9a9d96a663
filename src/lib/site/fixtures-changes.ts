/**
 * Random histories of a country's records for property tests of incremental rendering: each
 * step adds, edits, retracts or drops a post, or changes a global filter, and the site input
 * after each step is what a mirror would plan from.
 */
import fc from 'fast-check';
import { openCountry, retractionRecord } from '../model/fixtures/content';
import { postRecord } from '../model/fixtures/posts';
import { person, verified, type Person } from '../model/fixtures/records';
import type { Verified } from '../model/verified';
import type { SiteInput } from './types';

export const people = [person('Ada'), person('Bo'), person('Cy')];
export const country = openCountry(people[0]!, people.slice(1));
const TAGS = ['news', 'library', 'budget'];

/** One change to the records a country holds. */
export type Step =
	| { op: 'post'; by: number; tags: number[] }
	| { op: 'edit'; of: number; tags: number[] }
	| { op: 'retract'; of: number }
	| { op: 'drop'; of: number }
	| { op: 'restore' }
	| { op: 'hide'; who: number | null };

export const steps = fc.array(
	fc.oneof(
		{
			arbitrary: fc.record({
				op: fc.constant('post' as const),
				by: fc.nat(2),
				tags: fc.uniqueArray(fc.nat(2), { maxLength: 2 })
			}),
			weight: 5
		},
		{
			arbitrary: fc.record({
				op: fc.constant('edit' as const),
				of: fc.nat(),
				tags: fc.uniqueArray(fc.nat(2), { maxLength: 2 })
			}),
			weight: 3
		},
		{ arbitrary: fc.record({ op: fc.constant('retract' as const), of: fc.nat() }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant('drop' as const), of: fc.nat() }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant('restore' as const) }), weight: 1 },
		{
			arbitrary: fc.record({ op: fc.constant('hide' as const), who: fc.option(fc.nat(2)) }),
			weight: 1
		}
	),
	{ minLength: 1, maxLength: 14 }
);

/**
 * Replays `steps` and yields the site input after each: posts, edits of any revision (so
 * edits branch), retractions, records leaving the set (a parent with its edits still held)
 * and coming back, and a global filter hiding an author.
 */
export function* inputsOf(list: readonly Step[]): Generator<SiteInput> {
	const held: Verified[] = [];
	let dropped: Verified[] = [];
	let hidden: Person | null = null;
	let at = 1000;
	const posts = () => held.filter((r) => r.record.kind === 'post');
	for (const step of list) {
		at += 1000;
		if (step.op === 'post') {
			const by = people[step.by]!;
			const tags = step.tags.map((t) => TAGS[t]!);
			held.push(verified(postRecord(country.id, { by, at, title: `Post at ${at}`, tags })));
		} else if (step.op === 'edit' || step.op === 'retract' || step.op === 'drop') {
			const pool = step.op === 'drop' ? held : posts();
			const target = pool[step.of % Math.max(1, pool.length)];
			if (!target) continue;
			const by = people.find((p) => p.fingerprint === target.record.author)!;
			if (step.op === 'edit') {
				const tags = step.tags.map((t) => TAGS[t]!);
				const replaces = target.id;
				held.push(
					verified(postRecord(country.id, { by, at, title: `Edit at ${at}`, tags, replaces }))
				);
			} else if (step.op === 'retract') {
				held.push(verified(retractionRecord(country.id, { by, at, post: target })));
			} else {
				held.splice(held.indexOf(target), 1);
				dropped.push(target);
			}
		} else if (step.op === 'restore') {
			held.push(...dropped);
			dropped = [];
		} else {
			hidden = step.who === null ? null : people[step.who]!;
		}
		yield {
			country: country.derive(...held),
			baseUrl: 'https://x.example/',
			latestCount: 3,
			// Several sitemap parts, so that parts keeping their posts are compared too.
			sitemapChunk: 2,
			...(hidden ? { hiddenAuthors: new Set([hidden.fingerprint]) } : {})
		};
	}
}
