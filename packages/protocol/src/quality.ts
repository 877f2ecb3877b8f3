// Owned by the quality feature; filled in as it lands.
export {};
