package document

// Certificate type codes (domain.md §3). The center's catalog, the envelope and the page layout
// all use these; message files name them for the screen.
const (
	TypeJuminhyo      = "juminhyo"       // 住民票の写し
	TypeJuminhyoKisai = "juminhyo_kisai" // 住民票記載事項証明書
	TypeInkan         = "inkan"          // 印鑑登録証明書
	TypeShotoku       = "shotoku"        // 所得証明書
	TypeKazei         = "kazei"          // 課税(非課税)証明書
	TypeShotokuKazei  = "shotoku_kazei"  // 所得・課税証明書
	TypeKosekiZenbu   = "koseki_zenbu"   // 戸籍全部事項証明書
	TypeKosekiKojin   = "koseki_kojin"   // 戸籍個人事項証明書
	TypeKosekiFuhyo   = "koseki_fuhyo"   // 戸籍の附票の写し
)

// Types lists every certificate type code in display order.
var Types = []string{
	TypeJuminhyo, TypeJuminhyoKisai, TypeInkan, TypeShotoku, TypeKazei, TypeShotokuKazei,
	TypeKosekiZenbu, TypeKosekiKojin, TypeKosekiFuhyo,
}

// Option codes for 住民票の写し and 住民票記載事項証明書: each is printed only when chosen.
const (
	OptHouseholdHead   = "household_head"   // 世帯主・続柄
	OptHonseki         = "honseki"          // 本籍・筆頭者 (Japanese nationals)
	OptNationality     = "nationality"      // 国籍・地域 (foreign residents)
	OptResidenceCard   = "residence_card"   // 在留カード等の番号 (foreign residents)
	OptResidenceStatus = "residence_status" // 在留資格・在留期間 (foreign residents)
	OptMyNumber        = "my_number"        // 個人番号 (only where the municipality allows it)

	// OptWholeHousehold marks a 住民票の写し of the whole household (世帯全員) rather than of
	// chosen members; the certification sentence differs.
	OptWholeHousehold = "whole_household"
)

// Field codes: the items a certificate can certify. Header fields describe the certificate as a
// whole, person fields one person. A field absent from an envelope is never printed.
const (
	FieldAddress         = "address"          // 住所
	FieldHouseholdHead   = "household_head"   // 世帯主
	FieldHonseki         = "honseki"          // 本籍
	FieldHittosha        = "hittosha"         // 筆頭者
	FieldTaxYear         = "tax_year"         // 年度
	FieldName            = "name"             // 氏名
	FieldNameKana        = "name_kana"        // ふりがな
	FieldBirthDate       = "birth_date"       // 生年月日
	FieldSex             = "sex"              // 性別
	FieldRelationship    = "relationship"     // 続柄
	FieldBecameResident  = "became_resident"  // 住民となった年月日
	FieldAddressDate     = "address_date"     // 住所を定めた年月日
	FieldPreviousAddress = "previous_address" // 前住所
	FieldMyNumber        = "my_number"        // 個人番号
	FieldNationality     = "nationality"      // 国籍・地域
	FieldResidenceCard   = "residence_card"   // 在留カード等の番号
	FieldResidenceStatus = "residence_status" // 在留資格
	FieldResidencePeriod = "residence_period" // 在留期間等
	FieldSealImage       = "seal_image"       // 印影 (PNG, base64)
	FieldSealRegNo       = "seal_reg_no"      // 印鑑登録番号
	FieldIncomeTotal     = "income_total"     // 総所得金額
	FieldIncomeSalary    = "income_salary"    // 給与収入
	FieldDeductions      = "deductions"       // 所得控除額
	FieldTaxableIncome   = "taxable_income"   // 課税標準額
	FieldMunicipalTax    = "municipal_tax"    // 市町村民税
	FieldPrefecturalTax  = "prefectural_tax"  // 道府県民税
	FieldDependents      = "dependents"       // 扶養人数
	FieldFather          = "father"           // 父
	FieldMother          = "mother"           // 母
	FieldBirthPlace      = "birth_place"      // 出生地
	FieldBirthRecord     = "birth_record"     // 【出生】 entry
	FieldMarriageRecord  = "marriage_record"  // 【婚姻】 entry
	FieldFuhyoHistory    = "fuhyo_history"    // 附票: address history entries, one per line
)
