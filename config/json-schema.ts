/** JSON Schema documents generated from the zod schemas (see scripts/gen-schema.ts). */
import { z } from 'zod';
import { AppDefinitionSchema } from './app-schema.ts';
import { FleetSchema } from './schema.ts';

/** Repository-relative file → JSON text. */
export function renderSchemas(): Map<string, string> {
  const render = (schema: z.ZodType, title: string) => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    return `${JSON.stringify({ ...json, title }, null, 2)}\n`;
  };
  return new Map([
    ['config/fleet.schema.json', render(FleetSchema, 'meshfleet fleet')],
    ['config/app.schema.json', render(AppDefinitionSchema, 'meshfleet app definition')],
  ]);
}
