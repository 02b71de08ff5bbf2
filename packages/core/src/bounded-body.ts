/**
 * Reading an HTTP answer's body within a bound, for every client of core that reads from a
 * server (registries: `registry/body-limits.ts` says how much each kind of answer may be;
 * the GitHub REST API: `git/github-rest.ts`): a body that passes its bound, declared or as
 * it arrives, is not read further.
 */

/**
 * Reads `response`'s body, at most `limit` bytes: `undefined` when it is larger (declared
 * or as it arrives), after cancelling the rest of the stream.
 *
 * @example const body = await readBoundedBody(response, 8 * 1024 * 1024); // undefined when over 8 MiB
 */
export async function readBoundedBody(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    await response.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  // ends with the stream, at the limit, or when the request's timeout aborts the read
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value: Uint8Array };
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
