// V8 keeps a whole string alive for as long as any slice of it lives. A note kept per file that
// quotes 60 characters of a file's 64 KiB head would keep the head: twenty thousand files, over a
// gigabyte. This copies the characters into a string of their own.

export function ownString(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
