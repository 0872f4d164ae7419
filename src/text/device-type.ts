import type { DeviceType } from '../domain/extension.js';

/** The device types in the seed's words ("a softphone or the new agent interface (webrtc)"). */
export const DEVICE_TYPE_LABELS: Readonly<Record<DeviceType, string>> = {
  softphone: 'Softphone',
  webrtc: 'New agent interface (WebRTC)',
};

/** The label of a stored device type; a value this version does not know is shown as stored. */
export function deviceTypeLabel(type: string): string {
  return (DEVICE_TYPE_LABELS as Readonly<Record<string, string>>)[type] ?? type;
}
