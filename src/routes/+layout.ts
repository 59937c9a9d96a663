// A pure client-side app: no server renders or decides anything.
export const ssr = false;
export const prerender = false;
