// The local model and its OpenAI-compatible server, for `npm start -- --model local` and the model suite.
export { LOCAL_MODEL, MODEL_SERVER, modelPaths, type ModelPaths } from './model-config';
export { ensureModel, ModelIntegrityError, sha256Of } from './fetch-model';
export { ensureModelServer } from './install-server';
export { modelServerCommand, type ModelServerCommand, type ModelServerOptions } from './model-server';
export { timeReply, type ReplyTiming } from './measure';
export { waitUntilAnswers } from './wait-ready';
