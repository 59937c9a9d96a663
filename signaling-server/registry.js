/**
 * The topic registry: which connection listens to which topic (a topic is a y-webrtc
 * room name). Pure: no I/O, no timers; a connection is any object the caller chooses.
 *
 * Semantics follow y-webrtc's bin/server.js: a publish reaches every subscriber of the
 * topic, the sender included when it is subscribed, and the relayed object gets a
 * `clients` field with the number of receivers. The sender need not be subscribed.
 * Unlike y-webrtc's server, empty topics are forgotten, so memory stays bounded by
 * connections × maxTopicsPerConnection × maxTopicLength.
 */

/**
 * Why a topic in a subscribe was not added. Stable: counted in `health()`.
 * @typedef {'topic_invalid' | 'topic_too_long' | 'too_many_topics'} TopicRejectCode
 */

/**
 * @typedef {object} RegistryOptions
 * @property {number} [maxTopicsPerConnection] Default 64.
 * @property {number} [maxTopicLength] In UTF-16 code units. Default 256.
 */

/**
 * @typedef {object} SubscribeResult
 * @property {number} added Topics newly subscribed (a repeat is not counted, and not an error).
 * @property {Array<{ index: number, code: TopicRejectCode }>} rejected With the index in the input.
 */

/**
 * @template C
 * @typedef {object} PublishResult
 * @property {C[]} receivers A snapshot: sending may close connections and change the registry.
 * @property {Record<string, unknown>} message The input plus `clients`; the input is not mutated.
 */

/**
 * @template C
 * @typedef {object} Registry
 * @property {(conn: C, topics: readonly unknown[]) => SubscribeResult} subscribe
 * @property {(conn: C, topics: readonly unknown[]) => number} unsubscribe Returns how many were removed.
 * @property {(topic: string, message: Readonly<Record<string, unknown>>) => PublishResult<C>} publish
 * @property {(conn: C) => void} remove Forget a connection (it closed).
 * @property {(conn: C) => string[]} topicsOf
 * @property {(topic: string) => C[]} subscribersOf
 * @property {() => { connections: number, rooms: number }} stats
 *   `connections` counts connections holding at least one topic.
 */

export const DEFAULT_MAX_TOPICS_PER_CONNECTION = 64;
export const DEFAULT_MAX_TOPIC_LENGTH = 256;

/**
 * @template C
 * @param {RegistryOptions} [options]
 * @returns {Registry<C>}
 */
export function createRegistry(options = {}) {
	const maxTopicsPerConnection =
		options.maxTopicsPerConnection ?? DEFAULT_MAX_TOPICS_PER_CONNECTION;
	const maxTopicLength = options.maxTopicLength ?? DEFAULT_MAX_TOPIC_LENGTH;

	/** @type {Map<string, Set<C>>} */
	const subscribersByTopic = new Map();
	/** @type {Map<C, Set<string>>} */
	const topicsByConn = new Map();

	/**
	 * @param {C} conn
	 * @param {string} topic
	 */
	function drop(conn, topic) {
		const subscribers = subscribersByTopic.get(topic);
		if (!subscribers) return;
		subscribers.delete(conn);
		if (subscribers.size === 0) subscribersByTopic.delete(topic);
	}

	return {
		subscribe(conn, topics) {
			/** @type {SubscribeResult} */
			const result = { added: 0, rejected: [] };
			let own = topicsByConn.get(conn);
			topics.forEach((topic, index) => {
				if (typeof topic !== 'string' || topic === '') {
					result.rejected.push({ index, code: 'topic_invalid' });
				} else if (topic.length > maxTopicLength) {
					result.rejected.push({ index, code: 'topic_too_long' });
				} else if (own?.has(topic)) {
					// Idempotent, as in y-webrtc: clients resubscribe to every room on reconnect.
				} else if ((own?.size ?? 0) >= maxTopicsPerConnection) {
					result.rejected.push({ index, code: 'too_many_topics' });
				} else {
					if (!own) {
						own = new Set();
						topicsByConn.set(conn, own);
					}
					own.add(topic);
					let subscribers = subscribersByTopic.get(topic);
					if (!subscribers) {
						subscribers = new Set();
						subscribersByTopic.set(topic, subscribers);
					}
					subscribers.add(conn);
					result.added += 1;
				}
			});
			return result;
		},

		unsubscribe(conn, topics) {
			const own = topicsByConn.get(conn);
			if (!own) return 0;
			let removed = 0;
			for (const topic of topics) {
				if (typeof topic === 'string' && own.delete(topic)) {
					drop(conn, topic);
					removed += 1;
				}
			}
			if (own.size === 0) topicsByConn.delete(conn);
			return removed;
		},

		publish(topic, message) {
			const subscribers = subscribersByTopic.get(topic);
			const receivers = subscribers ? Array.from(subscribers) : [];
			// Spread keeps key order and overwrites a client-sent `clients` in place, so the
			// relayed JSON is byte-identical to what y-webrtc's server sends.
			return { receivers, message: { ...message, clients: receivers.length } };
		},

		remove(conn) {
			const own = topicsByConn.get(conn);
			if (!own) return;
			for (const topic of own) drop(conn, topic);
			topicsByConn.delete(conn);
		},

		topicsOf(conn) {
			return Array.from(topicsByConn.get(conn) ?? []);
		},

		subscribersOf(topic) {
			return Array.from(subscribersByTopic.get(topic) ?? []);
		},

		stats() {
			return { connections: topicsByConn.size, rooms: subscribersByTopic.size };
		}
	};
}
