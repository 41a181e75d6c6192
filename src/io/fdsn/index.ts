// FDSN web services: query builders, data-centre defaults, the client, and answer splitting (browser-safe).
export {
  KM_PER_DEGREE, bulkBody, bulkLine, dataselectQueryUrl, eventQueryUrl, fdsnLocation, fdsnTime, groupBulkRequests, kmToDegrees,
  serviceEndpoint, stationQueryUrl,
  type BoxRegion, type BulkOptions, type ChannelCodes, type CommonQueryOptions, type EventQuery, type FdsnService, type RadiusRegion,
  type StationQuery, type WaveformRequest,
} from "./urls.js";
export { DEFAULT_EVENT_PROVIDER, FDSN_PROVIDERS, getProvider, serviceUrl, type FdsnProvider } from "./providers.js";
export { Limiter, parseRetryAfter, type FetchLike, type HttpOutcome } from "./http.js";
export { readMiniseedBytes, requestId, splitDataselectResponse, type SplitResponse } from "./responses.js";
export { parseEventResponse, parseStationResponse } from "./parse.js";
export {
  FdsnClient, describe as describeRequest,
  type FdsnClientOptions, type FetchWaveformsOptions, type WaveformData, type WaveformRejection, type WaveformRejectionReason, type WaveformResult,
} from "./client.js";
