/**
 * Reads a body of at most `limit` bytes: undefined, and the rest left unread (the stream cancelled), when it is
 * larger, whatever its Content-Length claimed. One reader for what comes in (a request) and what is answered (a
 * webhook system's reply).
 */
export async function readCappedBody(body: ReadableStream<Uint8Array> | null, declaredLength: string | null, limit: number): Promise<Buffer | undefined> {
  if (Number(declaredLength ?? '0') > limit) {
    await body?.cancel();
    return undefined;
  }
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
