/** Bot scopes Keel asks for (kept in step with slack-manifest.json). */
export const BOT_SCOPES = [
  "app_mentions:read",
  "channels:history",
  "chat:write",
  "commands",
  "files:read",
  "files:write",
  "groups:history",
  "im:history",
  "users:read",
  "users:read.email",
] as const;
