import type { ChatMedia, ChatMediaProgress } from '@/lib/openai/media-extension';

export interface ChatModelOption {
  id: string;
  name: string;
  kind: string;
}

export interface Citation {
  url: string;
  title: string;
}

export interface ChatTurn {
  id: string;
  role: 'user' | 'assistant';
  /** User: the text. Assistant: the raw content as streamed (may hold <think> tags). */
  content: string;
  /** Assistant: `reasoning_content` deltas. */
  reasoning?: string;
  /** User: attached images as data URIs. */
  images?: string[];
  citations?: Citation[];
  /** Assistant: generated images and videos (signed gateway links). */
  media?: ChatMedia[];
  /** Assistant: the latest progress of each item while it was generated (failures stay visible). */
  mediaProgress?: ChatMediaProgress[];
  error?: string;
  stopped?: boolean;
  model?: string;
}

export interface Conversation {
  id: string;
  title: string;
  model: string;
  messages: ChatTurn[];
  updatedAt: number;
}
