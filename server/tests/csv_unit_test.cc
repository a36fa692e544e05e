// Copyright 2026 GuestGuard authors.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/csv.h"

namespace guestguard::server {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> MustParse(std::string_view text, size_t max_records = 100) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text, max_records);
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *records : std::vector<CsvRecord>{};
}

TEST(CsvTest, PlainFieldsAndLines) {
  std::vector<CsvRecord> r = MustParse("a,b,c\n1,,3\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[1].fields, (Fields{"1", "", "3"}));
  EXPECT_EQ(r[1].line, 2);
}

TEST(CsvTest, FinalLineBreakOptionalAndTrailingEmptyField) {
  std::vector<CsvRecord> r = MustParse("a,b,\nx,y");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b", ""}));
  EXPECT_EQ(r[1].fields, (Fields{"x", "y"}));
}

TEST(CsvTest, QuotedFieldsWithCommasNewlinesAndEscapes) {
  std::vector<CsvRecord> r =
      MustParse("\"Hopper, Grace\",\"line1\nline2\",\"say \"\"hi\"\"\",\"\"\nnext,row\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"Hopper, Grace", "line1\nline2", "say \"hi\"", ""}));
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[1].fields, (Fields{"next", "row"}));
  EXPECT_EQ(r[1].line, 3);  // The quoted line break counts.
}

TEST(CsvTest, CrlfAndLoneCr) {
  std::vector<CsvRecord> r = MustParse("a,b\r\n\"x\r\ny\",z\r\nlast\rone\r\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(r[1].fields, (Fields{"x\r\ny", "z"}));
  EXPECT_EQ(r[2].fields, (Fields{"last"}));
  EXPECT_EQ(r[2].line, 4);
  EXPECT_EQ(r[3].fields, (Fields{"one"}));
}

TEST(CsvTest, BomSkippedOnlyAtStart) {
  std::vector<CsvRecord> r = MustParse("\xEF\xBB\xBFname,email\n\xEF\xBB\xBFx,y\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"name", "email"}));
  EXPECT_EQ(r[1].fields[0], "\xEF\xBB\xBFx");
}

TEST(CsvTest, EmptyInputAndEmptyLines) {
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("\xEF\xBB\xBF").empty());
  std::vector<CsvRecord> r = MustParse("\n\r\na\n\nb\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].line, 3);
  EXPECT_EQ(r[1].line, 5);
}

TEST(CsvTest, BareQuoteInUnquotedFieldIsLiteral) {
  std::vector<CsvRecord> r = MustParse("5'10\" tall,x\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{"5'10\" tall", "x"}));
}

TEST(CsvTest, UnterminatedQuoteIsAnError) {
  absl::StatusOr<std::vector<CsvRecord>> r = ParseCsv("a,b\nc,\"open\nstill open", 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "line 2: unterminated quoted field");
}

TEST(CsvTest, TextAfterClosingQuoteIsAnError) {
  absl::StatusOr<std::vector<CsvRecord>> r = ParseCsv("\"a\"b,c\n", 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "line 1: unexpected character after a closing quote");
}

TEST(CsvTest, RecordLimit) {
  EXPECT_EQ(MustParse("a\nb\nc\n", 3).size(), 3u);
  absl::StatusOr<std::vector<CsvRecord>> r = ParseCsv("a\nb\nc\nd\n", 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(CsvTest, TextThatIsNotUtf8NamesTheLineAndTheLikelyEncoding) {
  // "Zoë" in Windows-1252 (Excel's plain "CSV" on Windows) on line 3.
  absl::StatusOr<std::vector<CsvRecord>> r =
      ParseCsv("name,email\r\nAda,a@example.com\r\nZo\xEB,z@example.com\r\n", 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(r.status().message());
  EXPECT_EQ(message.rfind("line 3: ", 0), 0u) << message;
  EXPECT_NE(message.find("Windows-1252"), std::string::npos) << message;
  EXPECT_NE(message.find("CSV UTF-8"), std::string::npos) << message;
  // UTF-16 (BOM FF FE, NUL bytes).
  r = ParseCsv(std::string("\xFF\xFEn\0a\0", 6), 10);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("UTF-16"), std::string::npos);
  // Overlong forms and surrogates are not UTF-8 either; real UTF-8 is fine.
  EXPECT_FALSE(ParseCsv("a\n\xC0\xAF\n", 10).ok());
  EXPECT_FALSE(ParseCsv("a\n\xED\xA0\x80\n", 10).ok());
  EXPECT_TRUE(ParseCsv("name\nZo\xC3\xAB \xF0\x9F\x8E\x89\n", 10).ok());
}

}  // namespace
}  // namespace guestguard::server
