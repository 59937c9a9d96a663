/**
 * The static tourist site (issue 7, part 4): a pure function from a verified country to
 * files, planned so that a writer re-renders only what changed. See docs/site.md.
 */
export {
	createSitePlanner,
	planSite,
	renderPlan,
	renderSite,
	SITE_FORMAT,
	type SitePlanner
} from './plan';
export { CONTENT_SECURITY_POLICY } from './html';
export { normalizeBaseUrl, paths, SITEMAP_CHUNK, sitemapParts } from './paths';
export type {
	PlannedFile,
	SiteElection,
	SiteError,
	SiteFile,
	SiteGovernment,
	SiteInput,
	SiteLeader,
	SitePlan,
	SitePlanResult,
	SiteStats
} from './types';
