import { describe, expect, it } from 'vitest';
import { escapeModulePath, parseGoProxy } from './goproxy.js';

describe('parseGoProxy', () => {
  it.each([
    [undefined, 'https://proxy.golang.org'],
    ['', 'https://proxy.golang.org'],
    ['off', undefined],
    ['direct', undefined],
    ['direct,https://proxy.golang.org', undefined],
    ['https://proxy.golang.org,direct', 'https://proxy.golang.org'],
    ['https://a.example.com|https://b.example.com', 'https://a.example.com'],
    [' , https://a.example.com/', 'https://a.example.com'],
    ['goproxy.example.com', 'https://goproxy.example.com'],
    ['https://artifactory.example.com/api/go/golang/', 'https://artifactory.example.com/api/go/golang'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['file:///var/goproxy', undefined],
  ])('%o -> %o', (value, expected) => {
    expect(parseGoProxy(value)).toBe(expected);
  });

  it('escapes upper-case module paths', () => {
    expect(escapeModulePath('github.com/HuaweiCloudDeveloper/cluster-api-provider-huawei')).toBe(
      'github.com/!huawei!cloud!developer/cluster-api-provider-huawei',
    );
  });
});
