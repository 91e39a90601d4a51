/** One node of a V8 sampling heap profile (`.heapprofile`): a call frame and what it allocated. */
export interface ProfileNode {
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

/** Live bytes per allocation site (function and file:line), from a `.heapprofile`. */
export function liveBytesBySite(root: ProfileNode): Map<string, number> {
  const sites = new Map<string, number>();
  const visit = (node: ProfileNode, parent: string): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(dist|node_modules)\//, '$1/');
    const site =
      url === ''
        ? `${functionName || '(native)'} ← ${parent}`
        : `${functionName || '(anonymous)'} ${file}:${String(lineNumber + 1)}`;
    if (node.selfSize > 0) sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child, url === '' ? parent : site);
  };
  visit(root, '(root)');
  return sites;
}
