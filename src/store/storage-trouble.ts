/**
 * What a failed write says, in words a trader can act on: DuckDB reports the operating system's
 * error text ("Could not write file …: No space left on device"), Node its code (ENOSPC).
 */
const CAUSES: readonly (readonly [RegExp, string])[] = [
  [/No space left|ENOSPC/i, 'no space left on the device'],
  [/Read-only file system|EROFS/i, 'the file system is read-only'],
  [/quota|EDQUOT/i, 'the disk quota is exceeded'],
  [/File too large|EFBIG/i, 'a file is past the size limit'],
  [/Permission denied|EACCES|EPERM/i, 'permission denied'],
];

/** The cause of a failed write ("no space left on the device"), or its first line when unknown. */
export function storageTrouble(message: string): string {
  for (const [pattern, cause] of CAUSES) if (pattern.test(message)) return cause;
  return `writes fail (${message.split('\n')[0] ?? message})`;
}
