/**
 * Kraken's published API-Sign example (Spot REST authentication guide,
 * docs.kraken.com/api/docs/guides/spot-rest-auth; docs/providers.md §2.6 [KA3], asserted by many
 * independent client test suites [KA5]). Embed signs with the same function (§2.4).
 */
export const krakenApiSignVector = {
  secret:
    'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==',
  nonce: '1616492376594',
  path: '/0/private/AddOrder',
  body: 'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25',
  signature:
    '4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==',
} as const;
