import type { WebClient } from '@slack/web-api';

/**
 * Files in and out of Slack. A file someone shares (a modal's file_input, a CSV attached to a message)
 * is read with files.info and downloaded from its url_private with the bot token (scope files:read);
 * a file the bot gives back (a report, an export) is uploaded with files.uploadV2 into a channel or a
 * DM, optionally in a thread (scope files:write).
 */

export interface SharedFileInfo {
  id: string;
  name: string;
  /** Slack's guess at the type, e.g. `csv`, `text`, `xlsx`. */
  filetype: string;
  mimetype: string;
  size: number;
}

export type DownloadOutcome =
  | { ok: true; file: SharedFileInfo; content: Buffer }
  | { ok: false; reason: 'not_found' | 'too_large' | 'not_downloadable'; file?: SharedFileInfo };

/**
 * Reads a shared file, refusing one larger than `maxBytes` before and while downloading it (a size
 * Slack reports can be wrong, so the download itself is capped). `not_downloadable`: Slack answered
 * something other than the file (its sign-in page when the token lacks files:read, an error status).
 */
export async function downloadSharedFile(client: WebClient, fileId: string, maxBytes: number): Promise<DownloadOutcome> {
  let info: Record<string, unknown> | undefined;
  try {
    const answer = await client.files.info({ file: fileId });
    info = answer.file as Record<string, unknown> | undefined;
  } catch {
    return { ok: false, reason: 'not_found' };
  }
  if (!info) return { ok: false, reason: 'not_found' };
  const file: SharedFileInfo = {
    id: fileId,
    name: typeof info.name === 'string' ? info.name : fileId,
    filetype: typeof info.filetype === 'string' ? info.filetype : '',
    mimetype: typeof info.mimetype === 'string' ? info.mimetype : '',
    size: typeof info.size === 'number' ? info.size : 0,
  };
  if (file.size > maxBytes) return { ok: false, reason: 'too_large', file };
  const url = typeof info.url_private_download === 'string' ? info.url_private_download : typeof info.url_private === 'string' ? info.url_private : undefined;
  if (!url || !client.token) return { ok: false, reason: 'not_downloadable', file };

  const response = await fetch(url, { headers: { authorization: `Bearer ${client.token}` }, redirect: 'follow' });
  // Without files:read Slack answers its sign-in page with 200: HTML is never a shared CSV.
  if (!response.ok || !response.body || (response.headers.get('content-type') ?? '').startsWith('text/html')) {
    await response.body?.cancel();
    return { ok: false, reason: 'not_downloadable', file };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes) return { ok: false, reason: 'too_large', file };
    chunks.push(Buffer.from(chunk));
  }
  return { ok: true, file, content: Buffer.concat(chunks) };
}

/** Gives a text file (a CSV, a list of problems) to a channel or a DM channel, in a thread when `threadTs` is set. */
export async function uploadTextFile(
  client: WebClient,
  upload: { channel: string; threadTs?: string | undefined; filename: string; title?: string; content: string; initialComment?: string },
): Promise<void> {
  const common = {
    filename: upload.filename,
    title: upload.title ?? upload.filename,
    content: upload.content,
    ...(upload.initialComment ? { initial_comment: upload.initialComment } : {}),
  };
  await client.filesUploadV2(upload.threadTs ? { ...common, channel_id: upload.channel, thread_ts: upload.threadTs } : { ...common, channel_id: upload.channel });
}
