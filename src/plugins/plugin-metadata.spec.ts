import { validatePluginDefinition } from './plugin-metadata';

const valid = {
  metadata: {
    name: 'echo-tool',
    version: '1.0.0',
    type: 'TOOL',
    hostApi: '^1.0.0',
    permissions: ['tools:register'],
  },
};
const withMetadata = (patch: Record<string, unknown>) => ({
  ...valid,
  metadata: { ...valid.metadata, ...patch },
});

describe('plugin metadata', () => {
  it('accepts a well-formed definition', () => {
    expect(validatePluginDefinition(valid)).toBe(valid);
  });

  it.each([
    [undefined, /exports no plugin/],
    [{}, /metadata is missing/],
    [withMetadata({ name: 'Echo Tool' }), /metadata\.name/],
    [withMetadata({ name: 'x'.repeat(65) }), /metadata\.name/],
    [withMetadata({ version: '1.0' }), /metadata\.version of echo-tool must be a semver version/],
    [withMetadata({ type: 'GADGET' }), /metadata\.type of echo-tool must be one of AGENT, TOOL/],
    [withMetadata({ hostApi: 'latest' }), /metadata\.hostApi of echo-tool must be a semver range/],
    [withMetadata({ hostApi: undefined }), /metadata\.hostApi/],
    [
      withMetadata({ permissions: ['tools:register', 'root:everything'] }),
      /unknown permission\(s\) root:everything/,
    ],
    [withMetadata({ permissions: 'tools:register' }), /permissions of echo-tool must be a list/],
    [{ ...valid, load: 'yes' }, /load of echo-tool must be a function/],
    [{ ...valid, settingsSchema: [] }, /settingsSchema of echo-tool must be a JSON Schema object/],
  ])('refuses %j naming the field', (definition, reason) => {
    expect(() => validatePluginDefinition(definition)).toThrow(reason);
  });
});
