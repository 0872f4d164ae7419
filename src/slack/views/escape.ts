/**
 * Text typed by people is shown in mrkdwn only after escaping the three characters Slack treats as
 * control: otherwise a name like `<!channel>` would ping a whole channel.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
