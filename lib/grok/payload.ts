/**
 * @module grok/payload
 * Conversation bodies for E1 (spec §3.1–§3.3). Profile A selects the model with `modelName`+`modelMode`,
 * Profile B with `modeId` (falling back to Profile A fields for models that have no mode id, spec §4.3).
 */
import type { ModelEntry } from '@/lib/catalog/models';

/** A = modelName+modelMode, B = modeId (REST), C = chat over the WebSocket gateway (media stays on REST as B). */
type UpstreamProfile = 'A' | 'B' | 'C';

export interface ChatPayloadInput {
  profile: UpstreamProfile;
  model: Pick<ModelEntry, 'modelName' | 'modelMode' | 'modeId'>;
  message: string;
  fileAttachments?: string[];
  temporary: boolean;
  customInstruction?: string;
  imageGenerationCount?: number;
  toolOverrides?: Record<string, unknown>;
  modelConfigOverride?: Record<string, unknown>;
}

const DEVICE_ENV = { darkModeEnabled: false, devicePixelRatio: 2, screenWidth: 2056, screenHeight: 1329, viewportWidth: 2056, viewportHeight: 1083 };

export function buildChatPayload(input: ChatPayloadInput): Record<string, unknown> {
  const { profile, model } = input;
  const useModeId = profile !== 'A' && !!model.modeId;
  const responseMetadata: Record<string, unknown> = useModeId ? {} : { requestModelDetails: { modelId: model.modelName } };
  if (input.modelConfigOverride) responseMetadata.modelConfigOverride = input.modelConfigOverride;

  const body: Record<string, unknown> = {
    temporary: input.temporary,
    message: input.message,
    fileAttachments: input.fileAttachments ?? [],
    imageAttachments: [],
    disableSearch: false,
    enableImageGeneration: true,
    returnImageBytes: false,
    returnRawGrokInXaiRequest: false,
    enableImageStreaming: true,
    imageGenerationCount: input.imageGenerationCount ?? 2,
    forceConcise: false,
    toolOverrides: input.toolOverrides ?? {},
    enableSideBySide: true,
    forceSideBySide: false,
    sendFinalMetadata: true,
    disableTextFollowUps: true,
    responseMetadata,
    disableMemory: true,
    isAsyncChat: false,
    disableSelfHarmShortCircuit: false,
    deviceEnvInfo: DEVICE_ENV,
  };
  if (useModeId) {
    body.modeId = model.modeId;
    body.collectionIds = [];
    body.connectors = [];
    body.searchAllConnectors = false;
  } else {
    body.modelName = model.modelName;
    body.modelMode = model.modelMode;
    body.isReasoning = false;
    body.webpageUrls = [];
  }
  if (input.customInstruction) body.customPersonality = input.customInstruction;
  return body;
}

/** Body of the rate-limit query (E5) for a model under the given profile (spec §7.5). */
export function buildRateLimitPayload(
  profile: UpstreamProfile,
  model: Pick<ModelEntry, 'rateLimitModel' | 'modeId' | 'bucket'>,
): Record<string, unknown> {
  if (profile !== 'A' && model.modeId) return { modelName: model.modeId };
  return { requestKind: 'DEFAULT', modelName: model.rateLimitModel };
}
