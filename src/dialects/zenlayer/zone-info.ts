/**
 * Display facts of the zones in the default configuration, for DescribeZones. Zones
 * configured beyond these are reported with their id as the name and UTC as time zone.
 */
export interface ZoneInfo {
  zoneName: string;
  timeZone: string;
  cityName: string;
  cityCode: string;
  countryCode: string;
  countryName: string;
}

const known: Record<string, ZoneInfo> = {
  'asia-east-1a': { zoneName: 'Hong Kong A', timeZone: 'Asia/Hong_Kong', cityName: 'Hong Kong', cityCode: 'HKG', countryCode: 'HK', countryName: 'Hong Kong' },
  'asia-east-1b': { zoneName: 'Hong Kong B', timeZone: 'Asia/Hong_Kong', cityName: 'Hong Kong', cityCode: 'HKG', countryCode: 'HK', countryName: 'Hong Kong' },
  'na-us-la-2a': {
    zoneName: 'Los Angeles 2A',
    timeZone: 'America/Los_Angeles',
    cityName: 'Los Angeles',
    cityCode: 'LAX',
    countryCode: 'US',
    countryName: 'United States',
  },
};

export function zoneInfo(zoneId: string): ZoneInfo {
  return known[zoneId] ?? { zoneName: zoneId, timeZone: 'UTC', cityName: '', cityCode: '', countryCode: '', countryName: '' };
}
