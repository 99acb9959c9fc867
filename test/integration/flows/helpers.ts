/** The system prompt of a recorded chat request (to tell prompts apart in a scripted reply). */
export const systemOf = (body: { messages: { role: string; content: string }[] }) =>
  body.messages.find((m) => m.role === "system")?.content ?? "";
