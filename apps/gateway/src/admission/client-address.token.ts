/** Injection token of the ClientAddressOf function (see client-address.ts). */
export const CLIENT_ADDRESS_OF = Symbol('CLIENT_ADDRESS_OF');
