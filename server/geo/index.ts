export { type GeoBytes, GeoLocator, type GeoSource, placeOf } from './locate.js';
