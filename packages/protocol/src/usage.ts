// Owned by the usage feature; filled in as it lands.
export {};
