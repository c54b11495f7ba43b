// Words of the log check, in every language: they load with its code (only when `log-key` is set), so the
// entry carries none of them. `{n}` is a count; `_one`/`_other` are plural forms picked by Intl.PluralRules.
import type { Lang } from '../internal/i18n.js';

const en = {
  logChecking: 'Checking this history against the tamper-evident log…',
  logVerified: 'Recorded in a tamper-evident log, checked by your browser.',
  logUnchecked: 'Some entries could not be checked right now.',
  logUnavailable: 'Your browser could not check this history against the tamper-evident log.',
  logCheckAgain: 'Check again',
  logFailed_one: '{n} entry could not be verified',
  logFailed_other: '{n} entries could not be verified',
  logFailedBody_one: 'This history may have been altered. This entry does not match the signed log:',
  logFailedBody_other: 'This history may have been altered. These entries do not match the signed log:',
  logFailedMore_one: '…and {n} more',
  logFailedMore_other: '…and {n} more',
  verifiedMark: 'Checked: recorded in the tamper-evident log',
  notVerified: 'Not verified',
  notVerifiedWhy: 'this entry may have been altered',
};

export type VerificationKey = keyof typeof en;
type Catalog = Record<VerificationKey, string>;

const de: Catalog = {
  logChecking: 'Dieser Verlauf wird mit dem fälschungssicheren Protokoll abgeglichen …',
  logVerified: 'In einem fälschungssicheren Protokoll festgehalten, von Ihrem Browser geprüft.',
  logUnchecked: 'Einige Einträge konnten gerade nicht geprüft werden.',
  logUnavailable: 'Ihr Browser konnte diesen Verlauf nicht mit dem fälschungssicheren Protokoll abgleichen.',
  logCheckAgain: 'Erneut prüfen',
  logFailed_one: '{n} Eintrag konnte nicht bestätigt werden',
  logFailed_other: '{n} Einträge konnten nicht bestätigt werden',
  logFailedBody_one:
    'Dieser Verlauf wurde möglicherweise verändert. Dieser Eintrag stimmt nicht mit dem signierten Protokoll überein:',
  logFailedBody_other:
    'Dieser Verlauf wurde möglicherweise verändert. Diese Einträge stimmen nicht mit dem signierten Protokoll überein:',
  logFailedMore_one: '… und {n} weiterer',
  logFailedMore_other: '… und {n} weitere',
  verifiedMark: 'Geprüft: im fälschungssicheren Protokoll festgehalten',
  notVerified: 'Nicht bestätigt',
  notVerifiedWhy: 'dieser Eintrag wurde möglicherweise verändert',
};

const fr: Catalog = {
  logChecking: 'Vérification de cet historique dans le journal infalsifiable…',
  logVerified: 'Enregistré dans un journal infalsifiable, vérifié par votre navigateur.',
  logUnchecked: 'Certaines entrées n’ont pas pu être vérifiées pour le moment.',
  logUnavailable: 'Votre navigateur n’a pas pu vérifier cet historique dans le journal infalsifiable.',
  logCheckAgain: 'Vérifier à nouveau',
  logFailed_one: '{n} entrée n’a pas pu être vérifiée',
  logFailed_other: '{n} entrées n’ont pas pu être vérifiées',
  logFailedBody_one:
    'Cet historique a peut-être été modifié. Cette entrée ne correspond pas au journal signé :',
  logFailedBody_other:
    'Cet historique a peut-être été modifié. Ces entrées ne correspondent pas au journal signé :',
  logFailedMore_one: '… et {n} autre',
  logFailedMore_other: '… et {n} autres',
  verifiedMark: 'Vérifié : enregistré dans le journal infalsifiable',
  notVerified: 'Non vérifié',
  notVerifiedWhy: 'cette entrée a peut-être été modifiée',
};

const es: Catalog = {
  logChecking: 'Comprobando este historial en el registro a prueba de manipulaciones…',
  logVerified: 'Guardado en un registro a prueba de manipulaciones y comprobado por tu navegador.',
  logUnchecked: 'Algunas entradas no se han podido comprobar ahora.',
  logUnavailable:
    'Tu navegador no ha podido comprobar este historial en el registro a prueba de manipulaciones.',
  logCheckAgain: 'Comprobar de nuevo',
  logFailed_one: '{n} entrada no se ha podido verificar',
  logFailed_other: '{n} entradas no se han podido verificar',
  logFailedBody_one:
    'Es posible que este historial se haya alterado. Esta entrada no coincide con el registro firmado:',
  logFailedBody_other:
    'Es posible que este historial se haya alterado. Estas entradas no coinciden con el registro firmado:',
  logFailedMore_one: '…y {n} más',
  logFailedMore_other: '…y {n} más',
  verifiedMark: 'Comprobado: guardado en el registro a prueba de manipulaciones',
  notVerified: 'No verificada',
  notVerifiedWhy: 'es posible que esta entrada se haya alterado',
};

const ja: Catalog = {
  logChecking: '改ざん防止ログと照合しています…',
  logVerified: '改ざん防止ログに記録され、お使いのブラウザーで確認済みです。',
  logUnchecked: '一部の項目は今は確認できませんでした。',
  logUnavailable: 'お使いのブラウザーでは、この履歴を改ざん防止ログと照合できませんでした。',
  logCheckAgain: 'もう一度確認',
  logFailed_one: '{n} 件の項目を確認できませんでした',
  logFailed_other: '{n} 件の項目を確認できませんでした',
  logFailedBody_one: 'この履歴は改ざんされた可能性があります。次の項目は署名付きログと一致しません:',
  logFailedBody_other: 'この履歴は改ざんされた可能性があります。次の項目は署名付きログと一致しません:',
  logFailedMore_one: '…ほか {n} 件',
  logFailedMore_other: '…ほか {n} 件',
  verifiedMark: '確認済み: 改ざん防止ログに記録されています',
  notVerified: '確認できません',
  notVerifiedWhy: 'この項目は改ざんされた可能性があります',
};

export const verificationMessages: Record<Lang, Catalog> = { en, de, fr, es, ja };
