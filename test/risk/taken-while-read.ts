import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Puts at `path` a file that another process takes away while the engine reads it: a named pipe
 * whose writer (a child process) writes `text`, deletes the pipe's name and only then closes, so
 * the reader gets the whole text and finds the file gone afterwards, every time (no timing). POSIX
 * only. Resolves once the writer waits for a reader; `done` resolves when the writer has exited.
 */
export async function takenWhileRead(path: string, text: string): Promise<{ done: Promise<number | null> }> {
  execFileSync('mkfifo', [path]);
  const writer = spawn(
    process.execPath,
    [
      '-e',
      `const fs = require('node:fs');
       const [path, text] = process.argv.slice(-2);
       fs.open(path, 'w', (error, fd) => {
         if (error) throw error;
         fs.writeSync(fd, text);
         fs.unlinkSync(path);
         fs.closeSync(fd);
       });
       process.stdout.write('waiting\\n');`,
      path,
      text,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(writer, 'exit').then(([code]) => code as number | null);
  // The writer's open is under way once it says so; the reader's open then always finds it.
  await once(writer.stdout, 'data');
  return { done: exited };
}
