/** The two device types of the HCC extension form: a softphone, or the new agent interface (webrtc). */
export const DEVICE_TYPES = ['softphone', 'webrtc'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
