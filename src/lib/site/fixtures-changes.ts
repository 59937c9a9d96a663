/**
 * Random histories of a country's records for property tests of incremental rendering: each
 * step adds (one or a burst), edits, retracts or drops a post, bans or lets back an author,
 * features a post, admits or renames a citizen, or changes the caller's filter; the site
 * input after each step is what a mirror would plan from — extending the last view when only
 * posts arrived, as the mirror's record store does, and deriving it afresh otherwise.
 */
import fc from 'fast-check';
import { extendCountry, type CountryView } from '../model/country';
import { openCountry, retractionRecord } from '../model/fixtures/content';
import { featureRecord, filterRecord } from '../model/fixtures/governance';
import { postRecord } from '../model/fixtures/posts';
import { citizenRecord, person, verified, type Person } from '../model/fixtures/records';
import type { Verified } from '../model/verified';
import type { SiteInput } from './types';

export const people = [person('Ada'), person('Bo'), person('Cy')];
export const country = openCountry(people[0]!, people.slice(1));
/** People who may join later. */
const newcomers = [person('Dee'), person('Eve')];
const TAGS = ['news', 'library', 'budget'];

/** One change to the records a country holds. */
export type Step =
	| { op: 'post'; by: number; tags: number[] }
	| { op: 'edit'; of: number; tags: number[] }
	| { op: 'retract'; of: number }
	| { op: 'drop'; of: number }
	| { op: 'restore' }
	| { op: 'hide'; who: number | null }
	| { op: 'burst'; by: number; count: number; tag: number }
	| { op: 'ban' | 'lift'; who: number }
	| { op: 'feature'; of: number }
	| { op: 'join'; who: number }
	| { op: 'rename'; who: number };

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
		},
		{
			// Enough posts at once to cross pages of 20 (blogs, tags) and sitemap parts.
			arbitrary: fc.record({
				op: fc.constant('burst' as const),
				by: fc.nat(2),
				count: fc.integer({ min: 2, max: 24 }),
				tag: fc.nat(2)
			}),
			weight: 1
		},
		{
			arbitrary: fc.record({
				op: fc.constantFrom('ban' as const, 'lift' as const),
				who: fc.integer({ min: 1, max: 2 })
			}),
			weight: 1
		},
		{ arbitrary: fc.record({ op: fc.constant('feature' as const), of: fc.nat() }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant('join' as const), who: fc.nat(1) }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant('rename' as const), who: fc.nat(2) }), weight: 1 }
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
	let view: CountryView | null = null;
	const joined = new Set<Person>();
	const posts = () => held.filter((r) => r.record.kind === 'post');
	const authorOf = (r: Verified) =>
		[...people, ...newcomers].find((p) => p.fingerprint === r.record.author)!;
	for (const [n, step] of list.entries()) {
		at += 1000;
		/** Posts only added: the last view is extended, as the mirror's record store does. */
		const added: Verified[] = [];
		let onlyAdded = true;
		const post = (by: Person, tags: string[], replaces: string | null = null, title = 'Post') => {
			const r = verified(
				postRecord(country.id, { by, at: at++, title: `${title} at ${at}`, tags, replaces })
			);
			held.push(r);
			added.push(r);
		};
		if (step.op === 'post') {
			post(
				people[step.by]!,
				step.tags.map((t) => TAGS[t]!)
			);
		} else if (step.op === 'burst') {
			for (let i = 0; i < step.count; i++) post(people[step.by]!, [TAGS[(step.tag + i) % 3]!]);
		} else if (
			step.op === 'edit' ||
			step.op === 'retract' ||
			step.op === 'drop' ||
			step.op === 'feature'
		) {
			const pool = step.op === 'drop' ? held : posts();
			const target = pool[step.of % Math.max(1, pool.length)];
			if (!target) continue;
			const by = authorOf(target);
			if (step.op === 'edit') {
				post(
					by,
					step.tags.map((t) => TAGS[t]!),
					target.id,
					'Edit'
				);
			} else {
				onlyAdded = false;
				if (step.op === 'retract') {
					held.push(verified(retractionRecord(country.id, { by, at, post: target })));
				} else if (step.op === 'feature') {
					// The founder leads until an election: features and filters are hers.
					held.push(verified(featureRecord(country.id, { by: people[0]!, at, post: target })));
				} else {
					held.splice(held.indexOf(target), 1);
					dropped.push(target);
				}
			}
		} else {
			onlyAdded = false;
			if (step.op === 'restore') {
				held.push(...dropped);
				dropped = [];
			} else if (step.op === 'ban' || step.op === 'lift') {
				const target = people[step.who]!;
				held.push(
					verified(filterRecord(country.id, { by: people[0]!, at, target, action: step.op }))
				);
			} else if (step.op === 'join') {
				const who = newcomers[step.who]!;
				if (joined.has(who)) continue;
				joined.add(who);
				held.push(verified(citizenRecord(country.id, { who, at, admission: { type: 'open' } })));
			} else if (step.op === 'rename') {
				const who = people[step.who]!;
				const name = `${who.label} ${n}`;
				held.push(
					verified(citizenRecord(country.id, { who, at, name, admission: { type: 'update' } }))
				);
			} else {
				hidden = step.who === null ? null : people[step.who]!;
			}
		}
		view =
			view && onlyAdded
				? extendCountry(view, [country.genesis, ...country.citizens, ...held], added)
				: country.derive(...held);
		yield {
			country: view,
			baseUrl: 'https://x.example/',
			latestCount: 3,
			// Several sitemap parts, so that parts keeping their posts are compared too.
			sitemapChunk: 7,
			...(hidden ? { hiddenAuthors: new Set([hidden.fingerprint]) } : {})
		};
	}
}
