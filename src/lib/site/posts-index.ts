/**
 * Blog posts kept up to date as records arrive and leave, for a planner that plans the same
 * site again after each change. Only the posts a change touches are derived again — by the
 * model's own `postsOf`, over just those posts' records — and every other post keeps its
 * object, so that the planner sees at a glance (by identity) that its pages did not change.
 *
 * A post (all revisions of one first revision) depends only on its revisions and on the
 * retractions naming one of them (docs/records.md, "Content"): that is what is handed to
 * `postsOf` for each post a change touches.
 */
import { latestFirst, postsOf, type BlogPost } from '../model/content';
import type { Verified } from '../model/verified';

type Records = ReadonlyMap<string, Verified>;

/** A record that arrived (`present`) or left. */
export type RecordChange = { r: Verified; present: boolean };

export type PostsIndex = {
	/**
	 * Records arrived or left (those that left first, when one id does both). Returns the posts
	 * that are gone (as the objects given before) and the posts derived anew, unordered.
	 */
	apply(changes: readonly RecordChange[]): { removed: BlogPost[]; added: BlogPost[] };
	/** `postsOf(visible)`, from the difference with the last call: unchanged posts are the same objects. */
	posts(visible: Records): BlogPost[];
};

/** Where `post` is, or goes, in `list` (sorted by the model's `latestFirst`): a binary search. */
export function placeOf<T>(list: readonly T[], post: BlogPost, of: (item: T) => BlogPost): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (latestFirst(of(list[mid]!), post) < 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Changes touching more records than this share are derived from scratch. */
const REBUILD_SHARE = 0.125;

export const isPostish = (r: Verified): boolean =>
	r.record.kind === 'post' || r.record.kind === 'retraction';

const replacesOf = (r: Verified | undefined): string | null | undefined =>
	r?.record.kind === 'post' ? r.record.body.replaces : undefined;

/** The first revision of the post `id` belongs to, in `records` (as `postsOf` finds it). */
function rootIn(records: Records, id: string): string {
	let current = id;
	// A bound, not a rule: ids are hashes, so `replaces` chains cannot loop.
	for (let steps = 0; steps <= records.size; steps++) {
		const parent = replacesOf(records.get(current));
		if (parent === null || parent === undefined || replacesOf(records.get(parent)) === undefined) {
			return current;
		}
		current = parent;
	}
	return current;
}

function addTo(index: Map<string, Set<string>>, key: string, id: string) {
	const set = index.get(key);
	if (set) set.add(id);
	else index.set(key, new Set([id]));
}

function deleteFrom(index: Map<string, Set<string>>, key: string, id: string) {
	const set = index.get(key);
	if (set?.delete(id) && set.size === 0) index.delete(key);
}

export function createPostsIndex(): PostsIndex {
	/** The post and retraction records held (other kinds never matter to posts). */
	const records = new Map<string, Verified>();
	/** Any revision id of a derived post → the post. */
	const postOf = new Map<string, BlogPost>();
	/** Post id → ids of the posts that name it in `replaces`. */
	const children = new Map<string, Set<string>>();
	/** Post id → ids of the retractions that name it. */
	const retractions = new Map<string, Set<string>>();
	/** For `posts`: the last records given, and the posts sorted (null: to sort again after `apply`). */
	let last: Records | null = null;
	let sorted: BlogPost[] | null = [];

	function index(r: Verified, present: boolean) {
		const { record } = r;
		if (record.kind === 'post' && record.body.replaces !== null) {
			(present ? addTo : deleteFrom)(children, record.body.replaces, r.id);
		} else if (record.kind === 'retraction') {
			(present ? addTo : deleteFrom)(retractions, record.body.post, r.id);
		}
	}

	function keep(post: BlogPost) {
		for (const revision of post.revisions) postOf.set(revision.id, post);
	}

	/** Start again from these records; returns `postsOf(visible)`. */
	function reset(visible: Records): BlogPost[] {
		records.clear();
		postOf.clear();
		children.clear();
		retractions.clear();
		for (const [id, r] of visible) {
			if (!isPostish(r)) continue;
			records.set(id, r);
			index(r, true);
		}
		const all = postsOf(records);
		for (const post of all) keep(post);
		sorted = all;
		last = visible;
		return all;
	}

	/** Every post record under `root` (itself included). */
	function members(root: string): string[] {
		const out: string[] = [];
		const stack = [root];
		const seen = new Set<string>();
		while (stack.length) {
			const id = stack.pop()!;
			if (seen.has(id) || replacesOf(records.get(id)) === undefined) continue;
			seen.add(id);
			out.push(id);
			for (const child of children.get(id) ?? []) stack.push(child);
		}
		return out;
	}

	function apply(changes: readonly RecordChange[]) {
		last = null;
		sorted = null;
		// The ids whose post may change: the records themselves, the revisions they edit or
		// retract, and the posts that edit them (a record leaving splits its chain).
		const touched = new Set<string>();
		for (const { r } of changes) {
			const { record } = r;
			if (record.kind === 'retraction') touched.add(record.body.post);
			else if (record.kind === 'post') {
				touched.add(r.id);
				if (record.body.replaces !== null) touched.add(record.body.replaces);
			}
		}
		for (const { r, present } of changes) {
			if (!isPostish(r)) continue;
			if (present) records.set(r.id, r);
			else if (records.get(r.id) === r) records.delete(r.id);
			else continue;
			index(r, present);
		}
		for (const { r } of changes) {
			if (r.record.kind === 'post')
				for (const child of children.get(r.id) ?? []) touched.add(child);
		}
		const roots = new Set<string>();
		for (const id of touched)
			if (replacesOf(records.get(id)) !== undefined) roots.add(rootIn(records, id));
		// Gone: every post that held a touched revision or a revision now under a touched root.
		const gone = new Set<BlogPost>();
		const drop = (id: string) => {
			const post = postOf.get(id);
			if (post) gone.add(post);
		};
		for (const id of touched) drop(id);
		const memberLists = [...roots].map(members);
		for (const list of memberLists) for (const id of list) drop(id);
		for (const post of gone) {
			for (const revision of post.revisions) {
				if (postOf.get(revision.id) === post) postOf.delete(revision.id);
			}
		}
		const added: BlogPost[] = [];
		for (const list of memberLists) {
			const subset = new Map<string, Verified>();
			for (const id of list) {
				subset.set(id, records.get(id)!);
				for (const retraction of retractions.get(id) ?? []) {
					subset.set(retraction, records.get(retraction)!);
				}
			}
			for (const post of postsOf(subset)) {
				keep(post);
				added.push(post);
			}
		}
		return { removed: [...gone], added };
	}

	function posts(visible: Records): BlogPost[] {
		if (visible === last && sorted) return sorted;
		const changes: RecordChange[] = [];
		const limit = Math.max(16, Math.floor(Math.max(visible.size, records.size) * REBUILD_SHARE));
		for (const [id, r] of records) {
			if (visible.get(id) !== r && changes.push({ r, present: false }) > limit)
				return reset(visible);
		}
		for (const [id, r] of visible) {
			if (isPostish(r) && records.get(id) !== r && changes.push({ r, present: true }) > limit) {
				return reset(visible);
			}
		}
		let list = sorted;
		if (changes.length) {
			const { removed, added } = apply(changes);
			if (list) {
				const gone = new Set(removed);
				list = list.filter((post) => !gone.has(post));
				for (const post of added)
					list.splice(
						placeOf(list, post, (p) => p),
						0,
						post
					);
			}
		}
		sorted = list ?? [...new Set(postOf.values())].sort(latestFirst);
		last = visible;
		return sorted;
	}

	return { apply, posts };
}
