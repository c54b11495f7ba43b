// English for the Devices view, loaded with it. Kinds of device (`dev_*`) are named here for other locales
// to translate; the English view shows the server's own `device.name`, so they never ship in the entry.
const enDevices = {
  firstSeen: 'First seen {time}',
  lastSeen: 'Last seen {time}',
  sessionCount_one: '{n} session',
  sessionCount_other: '{n} sessions',
  emptyDevices: 'No devices yet.',
};

/** Names of device kinds: in every other locale; in English the server's `device.name` is used. */
export interface DeviceKindNames {
  dev_iphone: string;
  dev_ipad: string;
  dev_android_phone: string;
  dev_android_tablet: string;
  dev_mac: string;
  dev_windows_pc: string;
  dev_linux_pc: string;
  dev_chromebook: string;
}

export default enDevices;
