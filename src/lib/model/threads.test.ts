/** Threads and messages of the citizens' area in deriveCountry: R9, R29, R30 (docs/records.md). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CountryView } from './country';
import { sha256Hex } from './hash';
import type { RecordOf } from './record';
import type { Verified } from './verified';
import { person, verified, type Person } from './fixtures/records';
import { postRecord } from './fixtures/posts';
import { messageRecord, openCountry, threadRecord, verdict } from './fixtures/content';

const founder = person('founder');
const alice = person('alice');
const bob = person('bob');
const mallory = person('mallory');

type Thread = Verified<RecordOf<'thread'>>;
type Message = Verified<RecordOf<'message'>>;

const c = openCountry(founder, [alice, bob]);
const elsewhere = openCountry(mallory, [alice]);
const thread = (by: Person, at: number, title?: string): Thread =>
	verified(threadRecord(c.id, { by, at, title }));
const message = (
	by: Person,
	at: number,
	inThread: { id: string },
	replyTo: { id: string } | null = null
): Message => verified(messageRecord(c.id, { by, at, thread: inThread, replyTo }));

const budget = thread(alice, 10, 'Budget');
const roads = thread(bob, 10, 'Roads');

describe('[R9] threads and messages come from citizens', () => {
	it('[R9] a thread by a citizen is valid', () => {
		expect(verdict(c.derive(budget), budget)).toBe('valid');
	});

	it('[R9] a thread by a non-citizen is rejected author_unknown', () => {
		const t = thread(mallory, 10);
		expect(verdict(c.derive(t), t)).toBe('author_unknown');
	});

	it('[R9] a message by a non-citizen in a valid thread is rejected author_unknown', () => {
		const m = message(mallory, 11, budget);
		expect(verdict(c.derive(budget, m), m)).toBe('author_unknown');
	});

	it('[R3] a thread naming another country is rejected country_mismatch', () => {
		const t = verified(threadRecord(elsewhere.id, { by: alice, at: 10 }));
		expect(verdict(c.derive(t), t)).toBe('country_mismatch');
	});
});

describe('[R29] a message belongs to a valid thread', () => {
	it('[R29] a message in a valid thread is valid, whoever opened the thread', () => {
		const m = message(bob, 11, budget);
		expect(verdict(c.derive(budget, m), m)).toBe('valid');
	});

	it('[R29] a message dated before its thread is still valid (time is no rule)', () => {
		const m = message(bob, 1, budget);
		expect(verdict(c.derive(budget, m), m)).toBe('valid');
	});

	/** [name, what the message names as its thread, the records besides it] */
	const unknown: [name: string, target: () => { id: string }, present: () => Verified[]][] = [
		['a thread that is not here', () => ({ id: sha256Hex('nothing') }), () => []],
		['a post', () => aPost, () => [aPost]],
		['a message', () => first, () => [budget, first]],
		['a thread by a non-citizen', () => byMallory, () => [byMallory]],
		['a thread of another country', () => foreign, () => [foreign]]
	];
	const aPost = verified(postRecord(c.id, { by: alice, at: 9 }));
	const first = message(alice, 11, budget);
	const byMallory = thread(mallory, 9);
	const foreign = verified(threadRecord(elsewhere.id, { by: alice, at: 9 }));

	it.each(unknown)('[R29] a message in %s is rejected thread_unknown', (_n, target, present) => {
		const m = message(bob, 12, target());
		expect(verdict(c.derive(...present(), m), m)).toBe('thread_unknown');
	});

	it('[R29] messages that arrived first become valid when their thread arrives', () => {
		const m1 = message(bob, 11, budget);
		const m2 = message(alice, 12, budget, m1);
		const before = c.derive(m2, m1);
		expect([verdict(before, m1), verdict(before, m2)]).toEqual([
			'thread_unknown',
			'thread_unknown'
		]);
		const after = c.derive(m2, m1, budget);
		expect([verdict(after, m1), verdict(after, m2)]).toEqual(['valid', 'valid']);
	});
});

describe('[R30] a reply answers a valid message of the same thread', () => {
	it('[R30] a reply to a message of the same thread is valid', () => {
		const m = message(alice, 11, budget);
		const reply = message(bob, 12, budget, m);
		expect(verdict(c.derive(budget, m, reply), reply)).toBe('valid');
	});

	it('[R30] a reply to a message of another thread is rejected reply_unknown', () => {
		const m = message(alice, 11, roads);
		const reply = message(bob, 12, budget, m);
		const view = c.derive(budget, roads, m, reply);
		expect([verdict(view, m), verdict(view, reply)]).toEqual(['valid', 'reply_unknown']);
	});

	it('[R30] a reply to a message that is not here is rejected reply_unknown', () => {
		const reply = message(bob, 12, budget, { id: sha256Hex('lost') });
		expect(verdict(c.derive(budget, reply), reply)).toBe('reply_unknown');
	});

	it('[R30] a reply naming the thread itself (not a message) is rejected reply_unknown', () => {
		const reply = message(bob, 12, budget, budget);
		expect(verdict(c.derive(budget, reply), reply)).toBe('reply_unknown');
	});

	it('[R30] a reply to a non-citizen’s message is rejected reply_unknown', () => {
		const m = message(mallory, 11, budget);
		const reply = message(bob, 12, budget, m);
		expect(verdict(c.derive(budget, m, reply), reply)).toBe('reply_unknown');
	});

	it('[R30] a reply built on a rejected reply is rejected reply_unknown', () => {
		const orphan = message(alice, 11, budget, { id: sha256Hex('lost') });
		const reply = message(bob, 12, budget, orphan);
		expect(verdict(c.derive(budget, reply, orphan), reply)).toBe('reply_unknown');
	});

	it('[R29] comes before R30: a reply in a missing thread is thread_unknown', () => {
		const reply = message(bob, 12, { id: sha256Hex('gone') }, { id: sha256Hex('lost') });
		expect(verdict(c.derive(reply), reply)).toBe('thread_unknown');
	});

	it('[R30] a chain of 5,000 replies is valid, in any order, without overflowing the stack', () => {
		const chain: Message[] = [message(alice, 11, budget)];
		for (let i = 1; i < 5000; i++) {
			chain.push(message(i % 2 ? bob : alice, 11 + i, budget, chain[i - 1]!));
		}
		for (const order of [chain, [...chain].reverse()]) {
			const view = c.derive(...order, budget);
			expect(chain.every((r) => view.valid.has(r.id))).toBe(true);
			expect(view.rejected).toEqual([]);
		}
		const broken = c.derive(budget, ...chain.slice(1));
		expect(new Set(broken.rejected.map((r) => r.code))).toEqual(new Set(['reply_unknown']));
		expect(broken.rejected).toHaveLength(4999);
	});
});

// ---------------------------------------------------------------------------------------
// Properties: message verdicts are those of a from-scratch recursive reading of R3, R9,
// R29 and R30, and do not depend on the order or repetition of the records.

const SEEDS = [0x7e4d, 0xf0a0];
const NUM_RUNS = 150;
const AUTHORS = [founder, alice, bob, mallory];
const CITIZENS = new Set([founder, alice, bob].map((p) => p.fingerprint));

type Step =
	| { t: 'thread'; by: number; at: number }
	| { t: 'message'; by: number; at: number; thread: number; reply: number | null }
	| { t: 'foreign'; by: number; at: number };
const by = fc.nat(AUTHORS.length - 1);
const at = fc.nat(20);
const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 2, arbitrary: fc.record({ t: fc.constant('thread' as const), by, at }) },
	{
		weight: 6,
		arbitrary: fc.record({
			t: fc.constant('message' as const),
			by,
			at,
			thread: fc.nat(),
			reply: fc.option(fc.nat(), { freq: 2 })
		})
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('foreign' as const), by, at }) }
);

/** Records of a plan: messages name earlier threads (or a missing one) and earlier messages. */
function build(steps: Step[]): Verified[] {
	const threads: Verified[] = [];
	const messages: Message[] = [];
	const records: Verified[] = [];
	steps.forEach((s, i) => {
		const who = AUTHORS[s.by]!;
		if (s.t === 'thread') threads.push(thread(who, s.at, `thread ${i}`));
		else if (s.t === 'foreign') {
			threads.push(verified(threadRecord(elsewhere.id, { by: who, at: s.at, title: `t${i}` })));
		} else {
			const pick = s.thread % (threads.length + 1);
			const inThread = threads[pick] ?? { id: sha256Hex(`no thread ${i}`) };
			const replyTo =
				s.reply === null || !messages.length ? null : messages[s.reply % messages.length]!;
			const m = verified(
				messageRecord(c.id, { by: who, at: s.at, thread: inThread, replyTo, body: `m${i}` })
			);
			messages.push(m);
			records.push(m);
			return;
		}
		records.push(threads.at(-1)!);
	});
	return records;
}

function expectedVerdicts(records: Verified[]): Map<string, string> {
	const byId = new Map(records.map((r) => [r.id, r]));
	const counts = (r: Verified | undefined): r is Verified =>
		!!r && r.record.country === c.id && CITIZENS.has(r.record.author);
	const memo = new Map<string, string>();
	const judge = (r: Verified): string => {
		const known = memo.get(r.id);
		if (known) return known;
		let result: string;
		if (r.record.country !== c.id) result = 'country_mismatch';
		else if (!CITIZENS.has(r.record.author)) result = 'author_unknown';
		else if (r.record.kind === 'thread') result = 'valid';
		else if (r.record.kind !== 'message') throw new Error('unexpected kind');
		else {
			const { thread: threadId, replyTo } = r.record.body;
			const t = byId.get(threadId);
			const parent = replyTo === null ? undefined : byId.get(replyTo);
			if (!counts(t) || t.record.kind !== 'thread') result = 'thread_unknown';
			else if (replyTo === null) result = 'valid';
			else if (
				!counts(parent) ||
				parent.record.kind !== 'message' ||
				parent.record.body.thread !== threadId
			) {
				result = 'reply_unknown';
			} else result = judge(parent) === 'valid' ? 'valid' : 'reply_unknown';
		}
		memo.set(r.id, result);
		return result;
	};
	return new Map(records.map((r) => [r.id, judge(r)]));
}

const verdicts = (view: CountryView, records: Verified[]) =>
	new Map(records.map((r) => [r.id, verdict(view, r)]));

const world = fc.array(step, { maxLength: 30 }).chain((steps) => {
	const records = build(steps);
	return fc.record({
		records: fc.constant(records),
		shuffled: fc.shuffledSubarray(records, {
			minLength: records.length,
			maxLength: records.length
		}),
		repeats: fc.array(fc.nat(), { maxLength: 8 })
	});
});

describe('thread and message verdicts: properties', () => {
	for (const seed of SEEDS) {
		it(`[R29][R30] verdicts match a from-scratch reading of the rules (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ records }) => {
					expect(verdicts(c.derive(...records), records)).toEqual(expectedVerdicts(records));
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});

		it(`[R29][R30] verdicts are the same for any arrival order and duplication (seed ${seed})`, () => {
			fc.assert(
				fc.property(world, ({ records, shuffled, repeats }) => {
					const extra = records.length ? repeats.map((i) => records[i % records.length]!) : [];
					const base = verdicts(c.derive(...records), records);
					expect(verdicts(c.derive(...shuffled, ...extra), records)).toEqual(base);
					expect(verdicts(c.derive(...[...extra, ...shuffled].reverse()), records)).toEqual(base);
				}),
				{ seed, numRuns: NUM_RUNS }
			);
		});
	}
});
