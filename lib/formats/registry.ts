/** Every dialect reader, by name. */
import type { FormatName } from "../trajectory/schema.js";
import { FormatNameSchema } from "../trajectory/schema.js";
import type { FormatReader } from "./format-reader.js";
import { fathomReader } from "./fathom.js";
import { qwenAgentReader } from "./qwen-agent.js";
import { openaiChatReader } from "./openai-chat.js";
import { openaiResponsesReader } from "./openai-responses.js";
import { r1SearcherReader } from "./r1-searcher.js";
import { searchR1Reader } from "./search-r1.js";
import { searchO1Reader } from "./search-o1.js";
import { reactReader } from "./react.js";
import { verlReader } from "./verl.js";
import { verifiersReader } from "./verifiers.js";
import { inspectReader } from "./inspect.js";
import { sweAgentReader } from "./swe-agent.js";
import { miniSweAgentReader } from "./mini-swe-agent.js";
import { openhandsReader } from "./openhands.js";
import { atifReader } from "./atif.js";
import { toolbenchReader } from "./toolbench.js";
import { miroflowReader } from "./miroflow.js";
import { recallTrainReader } from "./recall-train.js";
import { flashragReader } from "./flashrag.js";
import { skyrlReader } from "./skyrl.js";

export const READERS: readonly FormatReader[] = [
  fathomReader,
  qwenAgentReader,
  openaiChatReader,
  openaiResponsesReader,
  r1SearcherReader,
  searchR1Reader,
  searchO1Reader,
  reactReader,
  verlReader,
  verifiersReader,
  inspectReader,
  sweAgentReader,
  miniSweAgentReader,
  openhandsReader,
  atifReader,
  toolbenchReader,
  miroflowReader,
  recallTrainReader,
  flashragReader,
  skyrlReader,
];

export const FORMAT_NAMES: readonly FormatName[] = FormatNameSchema.options;

export function readerFor(name: FormatName): FormatReader {
  const r = READERS.find((x) => x.name === name);
  if (!r) throw new Error(`unknown format "${name}"`);
  return r;
}

/** True when `s` names a format. */
export function isFormatName(s: string): s is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(s);
}
