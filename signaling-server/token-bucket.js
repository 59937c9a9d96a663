/**
 * A token bucket for per-connection message rates. Pure: time is passed in.
 */

/**
 * @typedef {object} TokenBucketOptions
 * @property {number} burst Tokens when full: how many messages may arrive at once.
 * @property {number} perSecond Refill rate: the sustained messages per second.
 */

/**
 * @typedef {object} TokenBucket
 * @property {number} tokens
 * @property {number} updatedAt Milliseconds, from the same clock as `now` in `takeToken`.
 */

/**
 * @param {TokenBucketOptions} options
 * @param {number} now
 * @returns {TokenBucket}
 */
export function createTokenBucket(options, now) {
	return { tokens: options.burst, updatedAt: now };
}

/**
 * Take one token if there is one. Mutates `bucket` in place: one small object per
 * connection, updated on every frame, so copying it would only make garbage.
 * @param {TokenBucket} bucket
 * @param {TokenBucketOptions} options
 * @param {number} now
 * @returns {boolean} false when the caller is over the rate.
 */
export function takeToken(bucket, options, now) {
	// A clock that goes backwards (tests, suspended machines) must not mint tokens.
	const elapsed = Math.max(0, now - bucket.updatedAt);
	bucket.tokens = Math.min(options.burst, bucket.tokens + (elapsed / 1000) * options.perSecond);
	bucket.updatedAt = Math.max(bucket.updatedAt, now);
	if (bucket.tokens < 1) return false;
	bucket.tokens -= 1;
	return true;
}
