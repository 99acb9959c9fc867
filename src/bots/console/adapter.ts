import type {
  ChannelCapabilities,
  ChatAdapter,
  DeliveryTarget,
  SendResult,
} from "../../core/ports/chat-adapter.js";
import type { Reply } from "../../core/ports/reply.js";
import { renderConsole } from "./render.js";

export const consoleCapabilities: ChannelCapabilities = {
  nativeButtons: false,
  maxButtons: 9,
  threads: false,
  maxTextLength: 100_000,
  markdown: "plain",
  images: false,
};

/** Delivers outbox messages to the terminal (and remembers them for `keel say --json`). */
export class ConsoleAdapter implements ChatAdapter {
  readonly channel = "console" as const;
  readonly capabilities = consoleCapabilities;
  readonly delivered: { target: DeliveryTarget; reply: Reply }[] = [];
  constructor(private readonly write: ((s: string) => void) | null = (s) => process.stdout.write(s)) {}

  async send(target: DeliveryTarget, reply: Reply): Promise<SendResult> {
    this.delivered.push({ target, reply });
    this.write?.(`\n📤 Message delivered to ${target.address}:\n${renderConsole(reply)}\n`);
    return { messageIds: [`console:${target.idempotencyKey ?? this.delivered.length}`] };
  }
}
