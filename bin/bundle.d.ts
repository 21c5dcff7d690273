/**
 * The path of an ES module bundle of `entry` (an absolute path of a module of this repository),
 * built with esbuild if there is none or an input changed since; undefined when esbuild is not
 * installed or the build fails (load the sources through tsx then). See bundle.js.
 */
export function bundled(entry: string): Promise<string | undefined>;

/** The folder under node_modules/.cache/tandem-bundles/ that holds the builds of `entry`. */
export function cacheOf(entry: string): string;

/**
 * The path of the bundle of `entry` if one was built and none of its inputs changed since, else
 * undefined (synchronous).
 */
export function freshBundle(entry: string): string | undefined;
