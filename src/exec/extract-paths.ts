const EXTENSIONS =
  'ts|tsx|mts|cts|js|jsx|mjs|cjs|json|jsonc|md|mdx|py|go|rs|java|kt|rb|php|cs|c|h|cc|cpp|hpp|swift|' +
  'sh|bash|sql|ya?ml|toml|ini|env|css|scss|sass|less|html|vue|svelte|astro|graphql|gql|proto|prisma|tf|lock|txt|xml';
const HAS_EXTENSION = new RegExp(`\\.(?:${EXTENSIONS})$`, 'i');
/** Names like Node.js that look like file names. */
const PRODUCT_NAMES =
  /^(?:node|next|nuxt|vue|react|express|three|d3|chart|deno|ember|angular|backbone|socket\.io|p5)\.js$/i;
const BACKTICKED = /`([^`\s]+)`/g;
const TOKEN = /(?:^|[\s("'[<])((?:\.{1,2}\/|\/)?[\w@$~+-][\w@$~+.-]*(?:\/[\w@$~+.-]*)*)/g;

/** Trims the punctuation prose puts around a path and rejects what is not one (URLs, numbers, `a/b` prose). */
function normalize(raw: string, backticked: boolean): string | undefined {
  const candidate = raw.replace(/[.,:;!?)\]}>'"]+$/, '').replace(/^\.\//, '');
  if (candidate === '' || /^[a-z][\w+.-]*:\/\//i.test(candidate) || candidate.includes('//'))
    return undefined;
  if (!/[a-z]/i.test(candidate) || PRODUCT_NAMES.test(candidate)) return undefined;
  const slashes = candidate.split('/').length - 1;
  const looksLikePath =
    HAS_EXTENSION.test(candidate) || candidate.endsWith('/') || slashes >= 2 || (backticked && slashes >= 1);
  return looksLikePath ? candidate : undefined;
}

/**
 * The file and folder paths a piece of text mentions: `src/foo/bar.ts`, `bar.ts`, `src/dashboard/tunnel/`,
 * backticked `lib/utils`. Prose such as "start/stop" (one slash, no extension, not in backticks) and
 * URLs are not paths.
 */
export function extractPaths(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(BACKTICKED)) {
    const path = normalize(match[1] ?? '', true);
    if (path !== undefined) found.add(path);
  }
  const outside = text.replace(BACKTICKED, ' ');
  for (const match of outside.matchAll(TOKEN)) {
    const path = normalize(match[1] ?? '', false);
    if (path !== undefined) found.add(path);
  }
  return [...found];
}

/**
 * Whether a document's path mention refers to one of a task's paths: the same path, a folder
 * (`src/x/`) that holds the task's file, or a file named by its base name (`bar.ts` for
 * `src/x/bar.ts`) or by a longer path ending in the task's. A task's folder does not select every
 * file mentioned inside it (those are usually other tasks' files).
 */
export function mentionsPath(mention: string, taskPath: string): boolean {
  const m = mention.replace(/^\/+/, '');
  const t = taskPath.replace(/^\/+/, '');
  if (m === t || m.replace(/\/$/, '') === t.replace(/\/$/, '')) return true;
  if (m.endsWith('/') && t.startsWith(m)) return true;
  return (HAS_EXTENSION.test(m) && t.endsWith(`/${m}`)) || (HAS_EXTENSION.test(t) && m.endsWith(`/${t}`));
}
