// Owned by the agents feature; filled in as it lands.
export {};
