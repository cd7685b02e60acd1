import { definition } from './definition.js';
import { runPluginMain } from './plugin/serve.js';

runPluginMain(definition);
