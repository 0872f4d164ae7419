import type { WebClient } from '@slack/web-api';
import { maySeeCards } from '../../domain/card-actions.js';
import { isInvalidInput } from '../../domain/errors.js';
import { exportDirectory, EXPORT_MAX_ROWS } from '../../services/export-directory.js';
import { escapeMrkdwn } from '../../text/mrkdwn.js';
import type { TypedFindFilters } from '../commands/parse.js';
import { actorFor, type SlackDeps } from '../context.js';
import { uploadTextFile } from '../files.js';

export const EXPORT_PREPARING_TEXT = 'Preparing your export…';
export const EXPORT_NOT_ALLOWED_TEXT = 'Only requesters and approvers can export the directory. Ask a contact-center admin.';

/** The directory holds names, emails and phones: the same people who may see a user card may export it. */
export function mayExport(deps: SlackDeps, userId: string): boolean {
  return maySeeCards({ canRequest: deps.access.canRequest(userId), isApprover: deps.access.isApprover(userId) });
}

/**
 * `/provision export …` after the ack: the matching users read (and the export audited), the CSV
 * uploaded to the person's DM, and one ephemeral line saying what was sent, or why nothing was. A
 * filter that names nothing is answered as find answers it. Returns what to tell the person.
 */
export async function exportToDm(deps: SlackDeps, client: WebClient, userId: string, typed: { text: string; filters: TypedFindFilters }): Promise<string> {
  let exported;
  try {
    exported = await exportDirectory(deps.services, actorFor(deps, userId), {
      text: typed.text.slice(0, 200),
      ...(typed.filters.site !== undefined ? { site: typed.filters.site } : {}),
      ...(typed.filters.department !== undefined ? { department: typed.filters.department } : {}),
      status: typed.filters.status ?? 'active',
      type: typed.filters.type ?? 'all',
    });
  } catch (err) {
    if (!isInvalidInput(err)) throw err;
    return `${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}.`;
  }
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  const day = deps.services.now().toISOString().slice(0, 10);
  const users = `${exported.rowCount} ${exported.rowCount === 1 ? 'user' : 'users'}`;
  const cut = exported.truncated ? ` (the first ${EXPORT_MAX_ROWS.toLocaleString('en-US')} in username order: narrow it with site: or dept: for the rest)` : '';
  await uploadTextFile(client, {
    channel,
    filename: `directory-${day}.csv`,
    title: `Directory export, ${day}`,
    content: exported.csv,
    initialComment: `The directory export you asked for: ${users}${cut}.`,
  });
  return `Sent to your DM: ${users}${cut}.`;
}
