// The results file's digest (results/digest.h): the canonical form against a
// hand-computed vector, SHA-256 against the standard's, a written file that
// validates, and the tampering it must name: a changed sample, a changed
// header field, reordered, removed and added records. The Python recipe in
// docs/registry.md recomputes the digest of a file bakeoff wrote.
#include "results/digest.h"
#include "results/results_file.h"
#include "results/validate.h"
#include "sample_results.h"

#include "common/command_runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

using namespace bakeoff;
namespace fs = std::filesystem;

namespace {

fs::path written_sample(const std::string& name) {
    const fs::path dir = testing_support::scratch_dir("digest-test");
    const fs::path p = dir / name;
    write_results(p, bakeoff::testing::sample_file());
    return p;
}

nlohmann::json read_doc(const fs::path& p) { return nlohmann::json::parse(testing_support::slurp(p)); }

}  // namespace

TEST(Digest, CanonicalFormOfAHandComputedVector) {
    // Keys in UTF-8 byte order ("Z" < "a" < "b" < "é"); 2.0 and 0.1 are fractions, 1 and -2 integers.
    const auto doc = nlohmann::json::parse(R"({"b":[1,-2,1.5,null,true,false,"é"],"a":0.1,"é":{},"Z":2.0})");
    EXPECT_EQ(canonical(doc),
              "{s1:Zd4000000000000000s1:ad3fb999999999999as1:b[i1;i-2;d3ff8000000000000ntfs2:\xc3\xa9]s2:\xc3\xa9{}}");
    EXPECT_EQ(sha256_hex(canonical(doc)), "6f86197b33c24b6329927c6a45d2885c4b65ee7f3695736df42eea7633528f48");
}

TEST(Digest, Sha256MatchesTheStandardsVectors) {
    // FIPS 180-2, appendix B.1, and the empty message.
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, AWrittenFileCarriesADigestThatValidates) {
    const fs::path p = written_sample("ok.json");
    const auto doc = read_doc(p);
    ASSERT_TRUE(doc.contains("digest"));
    EXPECT_EQ(doc["digest"]["algorithm"], "sha256");
    EXPECT_EQ(doc["digest"]["records"].size(), 2u);
    const ResultsFile f = read_results(p);
    EXPECT_EQ(f.digest.state, DigestCheck::State::matches) << f.digest.problem;
    EXPECT_TRUE(check_consistency(f).empty());
    // Written again from what was read: the same digest (the old one is not part of it).
    write_results(p, f);
    EXPECT_EQ(read_doc(p)["digest"]["file"], doc["digest"]["file"]);
}

TEST(Digest, AChangedSampleNamesItsRecord) {
    auto doc = read_doc(written_sample("sample.json"));
    doc["records"][1]["samples_s"][0] = 0.0015;
    const auto c = check_digest(doc);
    EXPECT_EQ(c.state, DigestCheck::State::differs);
    EXPECT_NE(c.problem.find("record 1 (b@cpu:0) differs"), std::string::npos) << c.problem;
}

TEST(Digest, AChangedHeaderFieldIsNamed) {
    auto doc = read_doc(written_sample("header.json"));
    doc["host"]["hostname"] = "elsewhere";
    const auto c = check_digest(doc);
    EXPECT_EQ(c.state, DigestCheck::State::differs);
    EXPECT_NE(c.problem.find("header differs"), std::string::npos) << c.problem;
}

TEST(Digest, ReorderedRemovedAndAddedRecordsAreNamed) {
    const auto doc = read_doc(written_sample("order.json"));
    auto swapped = doc;
    std::swap(swapped["records"][0], swapped["records"][1]);
    auto c = check_digest(swapped);
    EXPECT_NE(c.problem.find("record 0 (b@cpu:0) is unchanged but was written at position 1"), std::string::npos)
        << c.problem;
    auto removed = doc;
    removed["records"].erase(1);
    c = check_digest(removed);
    EXPECT_NE(c.problem.find("written over 2 records, the file has 1"), std::string::npos) << c.problem;
    auto added = doc;
    added["records"].push_back(doc["records"][0]);
    c = check_digest(added);
    EXPECT_NE(c.problem.find("the file has 3"), std::string::npos) << c.problem;
}

TEST(Digest, ValidateReportsATamperedFileAndReadersRefuseIt) {
    const fs::path p = written_sample("tampered.json");
    auto doc = read_doc(p);
    doc["records"][0]["reason"] = "edited";  // not a figure: only the digest notices
    std::ofstream(p) << doc.dump(1);
    const ResultsFile f = read_results(p);
    const auto problems = check_consistency(f);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("record 0 (a@cpu:0) differs"), std::string::npos) << problems[0];
    EXPECT_THROW(read_validated_results(p), InputError);
}

TEST(Digest, AFileWithoutADigestStillValidates) {
    const fs::path p = written_sample("old.json");
    auto doc = read_doc(p);
    doc.erase("digest");
    std::ofstream(p) << doc.dump(1);
    const ResultsFile f = read_results(p);
    EXPECT_EQ(f.digest.state, DigestCheck::State::absent);
    EXPECT_TRUE(check_consistency(f).empty());
}

TEST(Digest, NotUtf8AndNonFiniteValuesDigestAsWritten) {
    ResultsFile f = bakeoff::testing::sample_file();
    f.records[0].device_name = "bad \xff\xfe name";
    f.records[0].params["ratio"] = std::nan("");
    const fs::path p = testing_support::scratch_dir("digest-test") / "odd.json";
    write_results(p, f);
    const ResultsFile back = read_results(p);
    EXPECT_EQ(back.digest.state, DigestCheck::State::matches) << back.digest.problem;
}

TEST(Digest, MalformedDigestObjectsAreNamed) {
    auto doc = read_doc(written_sample("malformed.json"));
    doc["digest"]["algorithm"] = "md5";
    EXPECT_NE(check_digest(doc).problem.find("algorithm \"md5\""), std::string::npos);
    doc["digest"]["algorithm"] = "sha256";
    doc["digest"]["records"] = {"zz"};
    EXPECT_NE(check_digest(doc).problem.find("lowercase hex"), std::string::npos);
}

// docs/registry.md's Python recipe, run on a file bakeoff wrote.
TEST(Digest, ThePythonRecipeInTheDocsReproducesIt) {
    if (std::system("python3 -c 'import hashlib, json, struct' >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "python3 is not installed";
    const std::string docs = testing_support::slurp(fs::path(BAKEOFF_SOURCE_DIR) / "docs/registry.md");
    const auto begin = docs.find("```python\n");
    ASSERT_NE(begin, std::string::npos) << "docs/registry.md has no ```python block";
    const auto end = docs.find("```", begin + 10);
    const fs::path dir = testing_support::scratch_dir("digest-test");
    const fs::path script = dir / "recompute.py";
    std::ofstream(script) << docs.substr(begin + 10, end - begin - 10);
    ResultsFile f = bakeoff::testing::sample_file();
    f.records[0].device_name = "Grüße \"quoted\" 测试";
    f.records[0].work.flops = 2.5e15;  // a magnitude where JSON libraries print numbers differently
    const fs::path p = dir / "for-python.json";
    write_results(p, f);
    const auto r = testing_support::run_binary("python3", dir, "", "'" + script.string() + "' '" + p.string() + "'");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, read_doc(p)["digest"]["file"].get<std::string>() + " ok\n");
}
