import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRegistry, type TopicRejectCode } from './registry.js';

type Op =
	| { op: 'subscribe'; conn: string; topics: unknown[] }
	| { op: 'unsubscribe'; conn: string; topics: unknown[] }
	| { op: 'remove'; conn: string };

function run(ops: Op[], options = { maxTopicsPerConnection: 3, maxTopicLength: 8 }) {
	const registry = createRegistry<string>(options);
	const results = ops.map((step) => {
		if (step.op === 'subscribe') return registry.subscribe(step.conn, step.topics);
		if (step.op === 'unsubscribe') return registry.unsubscribe(step.conn, step.topics);
		return registry.remove(step.conn);
	});
	return { registry, results };
}

describe('registry: subscribe', () => {
	const cases: Array<{
		name: string;
		ops: Op[];
		topic: string;
		subscribers: string[];
		rejected?: TopicRejectCode[];
	}> = [
		{
			name: 'one topic',
			ops: [{ op: 'subscribe', conn: 'a', topics: ['r1'] }],
			topic: 'r1',
			subscribers: ['a']
		},
		{
			name: 'twice the same topic is one subscription',
			ops: [{ op: 'subscribe', conn: 'a', topics: ['r1', 'r1'] }],
			topic: 'r1',
			subscribers: ['a']
		},
		{
			name: 'non-string and empty topics',
			ops: [{ op: 'subscribe', conn: 'a', topics: [1, null, {}, '', 'r1'] }],
			topic: 'r1',
			subscribers: ['a'],
			rejected: ['topic_invalid', 'topic_invalid', 'topic_invalid', 'topic_invalid']
		},
		{
			name: 'a topic longer than maxTopicLength',
			ops: [{ op: 'subscribe', conn: 'a', topics: ['123456789'] }],
			topic: '123456789',
			subscribers: [],
			rejected: ['topic_too_long']
		},
		{
			name: 'a topic exactly maxTopicLength long',
			ops: [{ op: 'subscribe', conn: 'a', topics: ['12345678'] }],
			topic: '12345678',
			subscribers: ['a']
		},
		{
			name: 'more topics than maxTopicsPerConnection',
			ops: [{ op: 'subscribe', conn: 'a', topics: ['t1', 't2', 't3', 'r1'] }],
			topic: 'r1',
			subscribers: [],
			rejected: ['too_many_topics']
		},
		{
			name: 'the limit counts across messages',
			ops: [
				{ op: 'subscribe', conn: 'a', topics: ['t1', 't2'] },
				{ op: 'subscribe', conn: 'a', topics: ['t3', 'r1'] }
			],
			topic: 'r1',
			subscribers: [],
			rejected: ['too_many_topics']
		},
		{
			name: 'resubscribing at the limit is not an error',
			ops: [
				{ op: 'subscribe', conn: 'a', topics: ['t1', 't2', 'r1'] },
				{ op: 'subscribe', conn: 'a', topics: ['r1'] }
			],
			topic: 'r1',
			subscribers: ['a']
		},
		{
			name: 'the limit is per connection',
			ops: [
				{ op: 'subscribe', conn: 'a', topics: ['t1', 't2', 't3'] },
				{ op: 'subscribe', conn: 'b', topics: ['r1'] }
			],
			topic: 'r1',
			subscribers: ['b']
		},
		{
			name: 'unsubscribe frees a slot',
			ops: [
				{ op: 'subscribe', conn: 'a', topics: ['t1', 't2', 't3'] },
				{ op: 'unsubscribe', conn: 'a', topics: ['t1'] },
				{ op: 'subscribe', conn: 'a', topics: ['r1'] }
			],
			topic: 'r1',
			subscribers: ['a']
		},
		{
			name: 'remove forgets every topic of a connection',
			ops: [
				{ op: 'subscribe', conn: 'a', topics: ['r1', 't1'] },
				{ op: 'subscribe', conn: 'b', topics: ['r1'] },
				{ op: 'remove', conn: 'a' }
			],
			topic: 'r1',
			subscribers: ['b']
		},
		{
			name: 'unsubscribe of unknown topics and connections is a no-op',
			ops: [
				{ op: 'unsubscribe', conn: 'z', topics: ['r1'] },
				{ op: 'subscribe', conn: 'a', topics: ['r1'] },
				{ op: 'unsubscribe', conn: 'a', topics: ['nope', 7] },
				{ op: 'remove', conn: 'z' }
			],
			topic: 'r1',
			subscribers: ['a']
		}
	];

	it.each(cases)('$name', ({ ops, topic, subscribers, rejected = [] }) => {
		const { registry, results } = run(ops);
		expect(registry.subscribersOf(topic).sort()).toEqual(subscribers);
		const codes = results.flatMap((r) =>
			typeof r === 'object' && r !== null ? r.rejected.map((x) => x.code) : []
		);
		expect(codes).toEqual(rejected);
	});

	it('reports the index of each rejected topic', () => {
		const registry = createRegistry<string>({ maxTopicsPerConnection: 1 });
		expect(registry.subscribe('a', ['ok', 5, 'more'])).toEqual({
			added: 1,
			rejected: [
				{ index: 1, code: 'topic_invalid' },
				{ index: 2, code: 'too_many_topics' }
			]
		});
	});

	it('defaults to 64 topics of 256 characters', () => {
		const registry = createRegistry<string>();
		const topics = Array.from({ length: 70 }, (_, i) => `t${i}`);
		expect(registry.subscribe('a', topics).added).toBe(64);
		expect(registry.subscribe('b', ['x'.repeat(256), 'y'.repeat(257)]).rejected).toEqual([
			{ index: 1, code: 'topic_too_long' }
		]);
	});
});

describe('registry: publish', () => {
	it('reaches every subscriber, the sender included, and adds clients', () => {
		const registry = createRegistry<string>();
		registry.subscribe('a', ['r1']);
		registry.subscribe('b', ['r1', 'r2']);
		registry.subscribe('c', ['r2']);
		const input = { type: 'publish', topic: 'r1', data: { from: 'a' } };
		const { receivers, message } = registry.publish('r1', input);
		expect(receivers.sort()).toEqual(['a', 'b']);
		expect(message).toEqual({ ...input, clients: 2 });
		expect(input).not.toHaveProperty('clients');
	});

	it('overwrites a client-sent clients in place, keeping key order', () => {
		const registry = createRegistry<string>();
		registry.subscribe('a', ['r1']);
		const { message } = registry.publish('r1', { clients: 99, type: 'publish', topic: 'r1' });
		expect(JSON.stringify(message)).toBe('{"clients":1,"type":"publish","topic":"r1"}');
	});

	it('to a topic nobody holds reaches nobody', () => {
		const registry = createRegistry<string>();
		expect(registry.publish('r1', { type: 'publish', topic: 'r1' }).receivers).toEqual([]);
	});

	it('returns a snapshot that later changes do not touch', () => {
		const registry = createRegistry<string>();
		registry.subscribe('a', ['r1']);
		const { receivers } = registry.publish('r1', {});
		registry.remove('a');
		expect(receivers).toEqual(['a']);
	});
});

describe('registry: stats', () => {
	it('counts rooms and connections holding a topic, and forgets empty ones', () => {
		const registry = createRegistry<string>();
		registry.subscribe('a', ['r1', 'r2']);
		registry.subscribe('b', ['r2']);
		expect(registry.stats()).toEqual({ connections: 2, rooms: 2 });
		registry.unsubscribe('a', ['r1', 'r2']);
		expect(registry.stats()).toEqual({ connections: 1, rooms: 1 });
		registry.remove('b');
		expect(registry.stats()).toEqual({ connections: 0, rooms: 0 });
	});
});

describe('registry: property', () => {
	const conns = ['a', 'b', 'c', 'd'];
	const topics = ['r1', 'r2', 'r3', 'r4', 'r5', 'long-topic-name', '', 1];
	const opArb: fc.Arbitrary<Op> = fc.oneof(
		fc.record({
			op: fc.constant('subscribe' as const),
			conn: fc.constantFrom(...conns),
			topics: fc.array(fc.constantFrom(...topics), { maxLength: 5 })
		}),
		fc.record({
			op: fc.constant('unsubscribe' as const),
			conn: fc.constantFrom(...conns),
			topics: fc.array(fc.constantFrom(...topics), { maxLength: 3 })
		}),
		fc.record({ op: fc.constant('remove' as const), conn: fc.constantFrom(...conns) })
	);

	/** The model: a plain rebuild from the op log, with the same limits. */
	function model(ops: Op[], maxTopics: number, maxLength: number): Map<string, Set<string>> {
		const held = new Map<string, Set<string>>();
		for (const step of ops) {
			const own = held.get(step.conn) ?? new Set<string>();
			if (step.op === 'remove') own.clear();
			else if (step.op === 'unsubscribe') {
				for (const t of step.topics) if (typeof t === 'string') own.delete(t);
			} else {
				for (const t of step.topics) {
					if (typeof t !== 'string' || t === '' || t.length > maxLength) continue;
					if (own.has(t) || own.size < maxTopics) own.add(t);
				}
			}
			held.set(step.conn, own);
		}
		return held;
	}

	it('subscribers and stats equal a rebuild from the op log', () => {
		fc.assert(
			fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
				const { registry } = run(ops);
				const held = model(ops, 3, 8);
				const allTopics = new Set<string>();
				for (const own of held.values()) for (const t of own) allTopics.add(t);
				for (const topic of topics) {
					if (typeof topic !== 'string') continue;
					const expected = conns.filter((c) => held.get(c)?.has(topic));
					expect(registry.subscribersOf(topic).sort()).toEqual(expected);
					expect(registry.publish(topic, {}).message.clients).toBe(expected.length);
				}
				for (const conn of conns) {
					expect(registry.topicsOf(conn).sort()).toEqual([...(held.get(conn) ?? [])].sort());
				}
				const holding = conns.filter((c) => (held.get(c)?.size ?? 0) > 0).length;
				expect(registry.stats()).toEqual({ connections: holding, rooms: allTopics.size });
			}),
			// Pinned so a failure reproduces; change the seed only on purpose.
			{ seed: 20261122, numRuns: 500 }
		);
	});
});
