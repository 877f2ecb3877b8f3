// Owned by the handoff feature; filled in as it lands.
export {};
