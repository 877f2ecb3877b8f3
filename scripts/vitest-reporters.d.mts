export declare function testReporters(name: string): Array<string | [string, Record<string, unknown>]>;
