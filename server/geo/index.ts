export { GeoLocator, type GeoSource, placeOf } from './locate.js';
