/**
 * Fixture countries for the site's tests, built from the model's record fixtures (real
 * canonical records, branded verified without keys). Each is a golden case: its rendering is
 * committed under golden/<name>/ (see docs/site.md, "Golden files").
 */
import { deriveCountry } from '../model/country';
import { openCountry, pageRecord, retractionRecord } from '../model/fixtures/content';
import {
	ballotRecord,
	candidacyRecord,
	electionRecord,
	featureRecord,
	filterRecord,
	resultBody,
	resultRecord
} from '../model/fixtures/governance';
import { postRecord } from '../model/fixtures/posts';
import { citizenRecord, genesisRecord, person, verified } from '../model/fixtures/records';
import { tallyBallots } from '../model/governance';
import type { Verified } from '../model/verified';
import type { SiteInput } from './types';

const DAY = 86_400_000;
/** 2026-11-01T09:00:00Z: fixture times are fixed so golden files never change by themselves. */
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);

/** A fixture time: `days` and `hours` after T0. */
const at = (days: number, hours = 0) => T0 + days * DAY + hours * 3_600_000;

export const ada = person('Ada');
export const bo = person('Bo');
export const cy = person('Cy');
export const di = person('Di');

export type SiteCase = { name: string; input: SiteInput };

/** An empty country: its genesis and founder, nothing written yet. */
function emptyCase(): SiteCase {
	const country = openCountry(ada, []);
	return { name: 'empty', input: { country: country.derive() } };
}

/**
 * A small country with what the site shows: posts with tags, an edit, a retracted post,
 * a wiki page with history, a page with two heads, a featured post, a government section.
 */
function blogCase(): SiteCase {
	const country = openCountry(ada, [bo, cy]);
	const id = country.id;
	const welcome = verified(
		postRecord(id, {
			by: ada,
			at: at(1),
			title: 'Welcome to the republic',
			body: '# Hello\n\nWe found a *country* today. Read [the rules](https://example.org/rules).\n\n- free speech\n- one vote each',
			tags: ['welcome', 'assembly']
		})
	);
	const library = verified(
		postRecord(id, {
			by: bo,
			at: at(2),
			title: 'Library hours',
			body: 'The library opens at **nine**.',
			tags: ['library', 'assembly']
		})
	);
	const libraryEdit = verified(
		postRecord(id, {
			by: bo,
			at: at(3),
			title: 'Library hours (corrected)',
			body: 'The library opens at **ten**, not nine.',
			tags: ['library', 'café'],
			replaces: library.id
		})
	);
	const withdrawn = verified(
		postRecord(id, { by: cy, at: at(4), title: 'A hasty post', body: 'Oops.', tags: ['welcome'] })
	);
	const retraction = verified(retractionRecord(id, { by: cy, at: at(5), post: withdrawn }));
	const budget = verified(
		postRecord(id, {
			by: cy,
			at: at(6),
			title: 'Budget 2027',
			body: '| item | amount |\n| --- | ---: |\n| roads | 10 |\n| books | 5 |\n\n```\ntotal = 15\n```',
			tags: []
		})
	);
	const about1 = verified(
		pageRecord(id, {
			by: ada,
			at: at(1, 2),
			slug: 'about',
			title: 'About us',
			body: 'We are a **small** country.'
		})
	);
	const about2 = verified(
		pageRecord(id, {
			by: bo,
			at: at(2, 2),
			slug: 'about',
			title: 'About us',
			body: 'We are a small, **friendly** country.',
			replaces: [about1]
		})
	);
	const rules1 = verified(
		pageRecord(id, { by: ada, at: at(1, 3), slug: 'rules', title: 'Rules', body: '1. Be kind.' })
	);
	const rulesBo = verified(
		pageRecord(id, {
			by: bo,
			at: at(2, 3),
			slug: 'rules',
			title: 'Rules',
			body: '1. Be kind.\n2. Vote.',
			replaces: [rules1]
		})
	);
	const rulesCy = verified(
		pageRecord(id, {
			by: cy,
			at: at(2, 4),
			slug: 'rules',
			title: 'Rules',
			body: '1. Be kind.\n2. Read.',
			replaces: [rules1]
		})
	);
	return {
		name: 'blog',
		input: {
			country: country.derive(
				welcome,
				library,
				libraryEdit,
				withdrawn,
				retraction,
				budget,
				about1,
				about2,
				rules1,
				rulesBo,
				rulesCy
			),
			baseUrl: 'https://fwr.example/',
			featured: [libraryEdit.id, 'f'.repeat(64)],
			government: {
				leaders: [{ fingerprint: ada.fingerprint, role: 'Speaker', since: at(7) }],
				elections: [
					{
						id: 'e'.repeat(64),
						title: 'First assembly',
						closedAt: at(7),
						tally: [
							{ fingerprint: ada.fingerprint, votes: 2 },
							{ fingerprint: bo.fingerprint, votes: 1 }
						],
						elected: [ada.fingerprint]
					}
				]
			}
		}
	};
}

/** Global filters: Cy is hidden, and so is one of Bo's posts. */
function filteredCase(): SiteCase {
	const { input } = blogCase();
	const country = input.country;
	const boPosts = [...country.valid.values()].filter(
		(r) => r.record.kind === 'post' && r.record.author === bo.fingerprint
	);
	return {
		name: 'filtered',
		input: {
			country,
			hiddenAuthors: new Set([cy.fingerprint]),
			hiddenRecords: new Set(boPosts.slice(0, 1).map((r) => r.id))
		}
	};
}

/** An open country founded at T0 (2 seats, 30-day terms) with Ada, Bo, Cy and Di. */
function foundedAtT0(termDays = 30) {
	const genesis = verified(
		genesisRecord({ founder: ada, at: T0, admission: 'open', seats: 2, termDays })
	);
	const id = genesis.id;
	const citizens = [ada, bo, cy, di].map((who, i) =>
		verified(
			citizenRecord(id, {
				who,
				at: T0 + 1 + i,
				admission: i === 0 ? { type: 'founder' } : { type: 'open' }
			})
		)
	);
	return {
		id,
		derive: (records: Verified[]) => deriveCountry(id, [genesis, ...citizens, ...records])
	};
}

/**
 * The country's own governance, with no site input but the country: an election for term 2
 * certified by the founder, a ban and its lift by the founder, Cy banned by the elected
 * leaders, Bo's post featured by them and Cy's by the founder (hidden with Cy).
 */
function governmentCase(): SiteCase {
	const { id, derive } = foundedAtT0();
	const harbour = verified(
		postRecord(id, {
			by: bo,
			at: at(1),
			title: 'Harbour plans',
			body: 'A new pier by spring.',
			tags: ['harbour']
		})
	);
	const spam = verified(
		postRecord(id, {
			by: cy,
			at: at(2),
			title: 'Cheap watches',
			body: 'Buy now!',
			tags: ['harbour', 'deals']
		})
	);
	const notice = verified(
		postRecord(id, { by: ada, at: at(3), title: 'Election notice', body: 'Vote by day ten.' })
	);
	const election = verified(
		electionRecord(id, { by: ada, at: at(1), term: 2, seats: 2, opensAt: at(2), closesAt: at(10) })
	);
	const candidacies = [ada, bo, cy].map((by, i) =>
		verified(
			candidacyRecord(id, { by, at: at(1, i + 1), election, statement: `I am ${by.label}.` })
		)
	);
	const ballots = [
		verified(ballotRecord(id, { by: ada, at: at(3), election, approve: [ada, bo] })),
		verified(ballotRecord(id, { by: bo, at: at(4), election, approve: [bo] })),
		verified(ballotRecord(id, { by: cy, at: at(5), election, approve: [cy] })),
		verified(ballotRecord(id, { by: di, at: at(6), election, approve: [ada, bo] }))
	];
	const count = tallyBallots(election.id, 2, ballots);
	const result = verified(
		resultRecord(id, {
			by: ada,
			at: at(10, 1),
			body: resultBody({
				election,
				ballots,
				winners: count.winners,
				tally: [...count.approvals]
			})
		})
	);
	const governance = [
		filterRecord(id, { by: ada, at: at(5), target: di, reason: 'Testing the filter.' }),
		filterRecord(id, {
			by: ada,
			at: at(5, 1),
			target: di,
			action: 'lift',
			reason: 'It was a test.'
		}),
		featureRecord(id, { by: ada, at: at(6), post: spam }),
		filterRecord(id, { by: bo, at: at(31), target: cy, reason: 'Advertising, again and again.' }),
		featureRecord(id, { by: bo, at: at(32), post: harbour })
	].map((r) => verified(r));
	return {
		name: 'government',
		input: {
			country: derive([
				harbour,
				spam,
				notice,
				election,
				...candidacies,
				...ballots,
				result,
				...governance
			]),
			baseUrl: 'https://fwr.example/'
		}
	};
}

/** Ada's `count` posts, a day apart, all tagged #daily. */
export function dailyPosts(count: number): SiteInput {
	const { id, derive } = foundedAtT0();
	const posts = Array.from({ length: count }, (_, i) =>
		verified(
			postRecord(id, {
				by: ada,
				at: T0 + (i + 1) * DAY,
				title: `Day ${i + 1}`,
				body: `Notes of day ${i + 1}.`,
				tags: ['daily']
			})
		)
	);
	return { country: derive(posts), baseUrl: 'https://fwr.example/' };
}

/** Lists in pages: seven posts, two per page. */
function pagedCase(): SiteCase {
	return { name: 'paged', input: { ...dailyPosts(7), pageSize: 2 } };
}

export const siteCases = (): SiteCase[] => [
	emptyCase(),
	blogCase(),
	filteredCase(),
	governmentCase(),
	pagedCase()
];

/** Make `text` fit a record's line of text (no controls, trimmed, 1–max characters). */
const asLine = (text: string, max: number): string =>
	Array.from(text.replace(/\p{Cc}/gu, ' ').trim())
		.slice(0, max)
		.join('')
		.trim() || 'x';

/**
 * A country whose every user-written field carries `payload`: country name, citizen name,
 * post title and body, page title and body, leader role, election title, filter reason.
 */
export function payloadCountry(payload: string): SiteInput {
	const genesis = verified(
		genesisRecord({ founder: ada, at: T0, admission: 'open', name: asLine(payload, 80) })
	);
	const id = genesis.id;
	const founder = verified(
		citizenRecord(id, {
			who: ada,
			at: T0 + 1,
			admission: { type: 'founder' },
			name: asLine(payload, 64)
		})
	);
	const line = asLine(payload, 200);
	const post = verified(
		postRecord(id, { by: ada, at: T0 + DAY, title: line, body: payload, tags: ['xss'] })
	);
	const page = verified(
		pageRecord(id, { by: ada, at: T0 + DAY, slug: 'xss', title: line, body: payload })
	);
	return {
		country: deriveCountry(id, [genesis, founder, post, page]),
		baseUrl: 'https://fwr.example/',
		featured: [post.id],
		government: {
			leaders: [{ fingerprint: ada.fingerprint, role: payload }],
			elections: [{ id: 'e'.repeat(64), title: payload, closedAt: T0, tally: [], elected: [] }],
			filters: [
				{
					id: 'f'.repeat(64),
					leader: ada.fingerprint,
					at: T0,
					target: 'a'.repeat(40),
					action: 'ban',
					reason: payload
				}
			]
		}
	};
}
