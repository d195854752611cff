import { BufferedResponse } from './buffered-response';

describe('BufferedResponse', () => {
  const make = () =>
    new BufferedResponse(
      Buffer.from('{"a":[1,2]}'),
      { status: 201, statusText: 'Created', headers: [['Content-Type', 'application/json']] },
      'http://127.0.0.1/v1/x',
    );

  it('is a Response with the status, headers and url it was given', () => {
    const res = make();
    expect(res).toBeInstanceOf(Response);
    expect([res.status, res.statusText, res.ok, res.url]).toEqual([
      201,
      'Created',
      true,
      'http://127.0.0.1/v1/x',
    ]);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('reads the body once, like fetch', async () => {
    const res = make();
    expect(res.bodyUsed).toBe(false);
    expect(await res.json()).toEqual({ a: [1, 2] });
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(() => res.clone()).toThrow(TypeError);
  });

  it('reads as text, bytes, blob, a stream, and through a clone', async () => {
    expect(await make().text()).toBe('{"a":[1,2]}');
    expect(Buffer.from(await make().arrayBuffer()).toString()).toBe('{"a":[1,2]}');
    const blob = await make().blob();
    expect([blob.type, await blob.text()]).toEqual(['application/json', '{"a":[1,2]}']);
    const streamed = make();
    const reader = streamed.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('{"a":[1,2]}');
    expect((await reader.read()).done).toBe(true);
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.json()).rejects.toThrow(TypeError);
    const original = make();
    const copy = original.clone();
    expect(await copy.json()).toEqual({ a: [1, 2] });
    expect(await original.text()).toBe('{"a":[1,2]}');
  });
});
